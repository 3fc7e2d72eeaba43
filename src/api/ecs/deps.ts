import type { Planner } from "../../planner/planner.js";
import type { Store } from "../../state/store.js";
import type { CountByStatus } from "./cluster-view.js";

/** What the ECS handlers are given. */
export interface EcsDeps {
  readonly store: Store;
  /** Every placement decision (RunTask, StartTask) goes through it. */
  readonly planner: Planner;
  /** Randomness (deployment ids); seeded in tests. */
  readonly random: () => number;
  /** The server's endpoint as clients reach it (e.g. http://127.0.0.1:4400), known once it listens. */
  readonly endpoint: () => string;
  /** Counts tasks by lastStatus from memory for DescribeClusters (task-status-counts.ts); without it, the store scans. */
  readonly countByStatus?: CountByStatus;
}
