import type { TaskReport } from "../agent-protocol/messages.js";
import { applyReport } from "../domain/task-report.js";
import type { Store } from "../state/store.js";

interface Submission {
  readonly instanceArn: string;
  readonly reports: readonly TaskReport[];
  resolve(refused: TaskReport[]): void;
  reject(err: unknown): void;
}

/**
 * Records agents' task reports durably, every report that arrived in one turn of the event loop (from
 * any number of agents) in one store write: under load thousands of agents report at once, and one
 * commit for all of them costs what one commit for one of them did.
 *
 * A report counts only for a task placed on the reporting session's instance; the others come back
 * refused. Reports of unknown tasks are ignored. A failed write fails every submission in it (the
 * agents keep their reports unacknowledged and send them again).
 *
 * A write takes whole submissions until it holds `maxReportsPerWrite` reports; the rest wait for the
 * next turn, so that a reconnect storm (every agent's hello with all its tasks) does not become one
 * write that holds the event loop for seconds.
 */
export class ReportBatcher {
  private queue: Submission[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly maxReportsPerWrite = 10_000,
  ) {}

  /** Resolves, once the reports are durable, with those refused because their task is on another instance. */
  submit(instanceArn: string, reports: readonly TaskReport[]): Promise<TaskReport[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ instanceArn, reports, resolve, reject });
      this.schedule();
    });
  }

  /** After the poll phase: every frame read in this turn joins the write. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    let taken = 0;
    let reports = 0;
    while (taken < this.queue.length && (taken === 0 || reports + this.queue[taken]!.reports.length <= this.maxReportsPerWrite)) reports += this.queue[taken++]!.reports.length;
    const batch = this.queue.splice(0, taken);
    if (this.queue.length > 0) this.schedule();
    const refused = batch.map((): TaskReport[] => []);
    this.store
      .write(async (tx) => {
        const nowMs = this.now();
        for (const [i, s] of batch.entries()) {
          for (const report of s.reports) {
            const task = await tx.tasks.get(report.taskArn);
            if (!task) continue;
            if (task.containerInstanceArn !== s.instanceArn) {
              refused[i]!.push(report);
              continue;
            }
            const next = applyReport(task, report, nowMs);
            if (next !== task) await tx.tasks.put(next);
          }
        }
      })
      .then(
        () => batch.forEach((s, i) => s.resolve(refused[i]!)),
        (err: unknown) => batch.forEach((s) => s.reject(err)),
      );
  }
}
