import type { Logger } from "pino";

export interface RefusalLogOptions {
  readonly logger: Logger;
  /** How often the counts are written as one summary line (and reset). */
  readonly intervalMs: number;
}

/**
 * Refused requests (bad signatures, unknown targets, client errors, too many connections,
 * timeouts) counted per reason and written as one summary line per interval, so that a flood of
 * bad requests grows the log by one line a minute, not one line each. Each refusal is also logged
 * at debug, with bounded details the caller excerpts.
 */
export class RefusalLog {
  private counts = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: RefusalLogOptions) {
    this.timer = setInterval(() => this.flush(), opts.intervalMs);
    this.timer.unref();
  }

  /** Counts one refusal; `details` go to the debug line only and must already be bounded. */
  count(reason: string, details: Readonly<Record<string, unknown>> = {}, message = "refused"): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    this.opts.logger.debug({ ...details, reason }, message);
  }

  /** Writes the counts since the last flush, if any, as one info line. */
  flush(): void {
    if (this.counts.size === 0) return;
    const refused = Object.fromEntries(this.counts);
    this.counts = new Map();
    this.opts.logger.info({ refused, intervalMs: this.opts.intervalMs }, "refused requests since the last summary");
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
