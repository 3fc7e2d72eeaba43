import type { PlacementIndex } from "../../placement/placement-index.js";
import type { ChangeFeed } from "../../state/change-feed.js";
import type { Store } from "../../state/store.js";

/** What the ECS handlers are given. */
export interface EcsDeps {
  readonly store: Store;
  readonly changes: ChangeFeed;
  /** Randomness for placement; seeded in tests. */
  readonly random: () => number;
  /** The placement engine's in-memory view of each cluster. */
  readonly placement: PlacementIndex;
  /** The server's endpoint as clients reach it (e.g. http://127.0.0.1:4400), known once it listens. */
  readonly endpoint: () => string;
}
