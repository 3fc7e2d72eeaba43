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
 */
export class ReportBatcher {
  private queue: Submission[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** Resolves, once the reports are durable, with those refused because their task is on another instance. */
  submit(instanceArn: string, reports: readonly TaskReport[]): Promise<TaskReport[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ instanceArn, reports, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After the poll phase: every frame read in this turn joins the write.
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
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
