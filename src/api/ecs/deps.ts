import type { Planner } from "../../planner/planner.js";
import type { Store } from "../../state/store.js";
import type { CountsByStatus } from "./cluster-view.js";

/** What the ECS handlers are given. */
export interface EcsDeps {
  readonly store: Store;
  /** Every placement decision (RunTask, StartTask) goes through it. */
  readonly planner: Planner;
  /** Randomness (deployment ids); seeded in tests. */
  readonly random: () => number;
  /** The server's endpoint as clients reach it (e.g. http://127.0.0.1:4400), known once it listens. */
  readonly endpoint: () => string;
  /** DescribeClusters' counts from memory (cluster-counts.ts); without it, scans of the store. */
  readonly counts?: CountsByStatus;
}
