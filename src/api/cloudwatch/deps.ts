import type { Store } from "../../state/store.js";

export interface CloudWatchDeps {
  readonly store: Store;
  /** How long datapoints are kept (CloudWatch keeps one-minute data 15 days). */
  readonly retentionMs: number;
}
