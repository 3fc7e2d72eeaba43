import type { Store } from "../../state/store.js";

export interface EventsDeps {
  readonly store: Store;
}
