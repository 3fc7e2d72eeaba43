import type { Writable } from "node:stream";

/**
 * Start-up progress for people: each step says what it is doing and how long it took, and a step
 * that takes long says so every few seconds, so that `berth up` is never silent for more than
 * `heartbeatMs`. Writes plain lines (they read the same on a terminal, in a pipe and in a file).
 */
export class Progress {
  private readonly startedAt: number;

  constructor(
    private readonly out: Writable,
    private readonly options: { readonly now: () => number; readonly heartbeatMs?: number } = { now: Date.now },
  ) {
    this.startedAt = options.now();
  }

  /** Runs one step: "server: starting…", "server: ready (0.4 s)", or its failure. */
  async step<T>(label: string, run: () => Promise<T>): Promise<T> {
    const t0 = this.options.now();
    this.line(`${label}…`);
    const every = this.options.heartbeatMs ?? 5_000;
    const timer = setInterval(() => this.line(`${label}: still working (${seconds(this.options.now() - t0)})`), every);
    try {
      const value = await run();
      this.line(`${label}: done in ${seconds(this.options.now() - t0)}`);
      return value;
    } catch (e) {
      this.line(`${label}: failed after ${seconds(this.options.now() - t0)}`);
      throw e;
    } finally {
      clearInterval(timer);
    }
  }

  /** How long since the first step began. */
  elapsed(): string {
    return seconds(this.options.now() - this.startedAt);
  }

  private line(text: string): void {
    this.out.write(`berth up: ${text}\n`);
  }
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
