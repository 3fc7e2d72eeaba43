import type { Writable } from "node:stream";

export interface ProgressOptions {
  readonly now: () => number;
  readonly heartbeatMs?: number;
  /** The command each line starts with (default `berth up`). */
  readonly name?: string;
}

/**
 * Progress for people: each step says what it is doing and how long it took, and a step that
 * takes long says so every few seconds, so that a command (`berth up`, `berth store copy`) is
 * never silent for more than `heartbeatMs`. Writes plain lines (they read the same on a terminal,
 * in a pipe and in a file).
 */
export class Progress {
  private readonly startedAt: number;

  constructor(
    private readonly out: Writable,
    private readonly options: ProgressOptions = { now: Date.now },
  ) {
    this.startedAt = options.now();
  }

  /** Runs one step: "server: starting…", "server: ready (0.4 s)", or its failure. */
  async step<T>(label: string, run: () => Promise<T>): Promise<T> {
    this.line(`${label}…`);
    return this.timed(label, run, {
      working: (elapsed) => `still working (${elapsed})`,
      done: (elapsed) => `done in ${elapsed}`,
      failed: (elapsed) => `failed after ${elapsed}`,
    });
  }

  /**
   * Runs one step over `total` items in one line when it is quick ("tasks: 1,200 rows in 0.3 s"),
   * with "tasks: 500 of 1,200 rows (5.0 s)" every heartbeat while it is not. `run` reports each
   * batch done through `advance`.
   */
  count<T>(label: string, total: number, unit: string, run: (advance: (n: number) => void) => Promise<T>): Promise<T> {
    let done = 0;
    return this.timed(label, () => run((n) => (done += n)), {
      working: (elapsed) => `${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} ${unit} (${elapsed})`,
      done: (elapsed) => `${done.toLocaleString("en-US")} ${unit} in ${elapsed}`,
      failed: (elapsed) => `failed after ${elapsed} (${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} ${unit})`,
    });
  }

  /** How long since the first step began. */
  elapsed(): string {
    return seconds(this.options.now() - this.startedAt);
  }

  private async timed<T>(label: string, run: () => Promise<T>, say: Record<"working" | "done" | "failed", (elapsed: string) => string>): Promise<T> {
    const t0 = this.options.now();
    const since = () => seconds(this.options.now() - t0);
    const timer = setInterval(() => this.line(`${label}: ${say.working(since())}`), this.options.heartbeatMs ?? 5_000);
    try {
      const value = await run();
      this.line(`${label}: ${say.done(since())}`);
      return value;
    } catch (e) {
      this.line(`${label}: ${say.failed(since())}`);
      throw e;
    } finally {
      clearInterval(timer);
    }
  }

  private line(text: string): void {
    this.out.write(`${this.options.name ?? "berth up"}: ${text}\n`);
  }
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
