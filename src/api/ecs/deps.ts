import type { Store } from "../../state/store.js";

/** What the ECS handlers are given. */
export interface EcsDeps {
  readonly store: Store;
}
