import type { Store } from "../../state/store.js";

export interface LogsDeps {
  readonly store: Store;
}
