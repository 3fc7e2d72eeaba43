import type { ChangeFeed } from "../../state/change-feed.js";
import type { Store } from "../../state/store.js";

/** What the ECS handlers are given. */
export interface EcsDeps {
  readonly store: Store;
  readonly changes: ChangeFeed;
  /** Randomness for placement; seeded in tests. */
  readonly random: () => number;
}
