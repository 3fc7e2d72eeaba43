import type { Logger } from "pino";
import type { TargetHealth } from "../domain/load-balancing/health.js";
import type { TargetRecord } from "../domain/load-balancing/types.js";
import type { Leadership } from "../state/leadership.js";

/** The controllers of one region while they run: what the rest of the plane calls on them. */
export interface Controllers {
  /** A target's health changed in the load balancer's data plane. */
  healthChanged(target: TargetRecord, health: TargetHealth): void;
  stop(): Promise<void>;
}

/**
 * Runs the controllers while this replica leads, and stops them when it stops leading (each start
 * and stop waits for the one before). With one replica (SQLite) they start once and run to the end.
 */
export class LeaderControllers {
  current: Controllers | undefined;
  private transition: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly leadership: Leadership,
    private readonly startAll: () => Promise<Controllers>,
    private readonly logger: Logger,
  ) {}

  /** Follows the leadership from now on; resolves once the controllers run, if this replica leads already. */
  start(): Promise<void> {
    this.unsubscribe = this.leadership.onChange((leading) => void this.follow(leading));
    return this.follow(this.leadership.leading);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.follow(false);
  }

  private follow(leading: boolean): Promise<void> {
    this.transition = this.transition.then(async () => {
      const run = leading && !this.stopped;
      if (run === (this.current !== undefined)) return;
      if (run) {
        this.logger.info("this replica leads: starting the controllers");
        this.current = await this.startAll();
      } else {
        const current = this.current!;
        this.current = undefined;
        this.logger.info("this replica no longer leads: stopping the controllers");
        await current.stop();
      }
    }).catch((err: unknown) => this.logger.error({ err }, "the controllers could not be started or stopped"));
    return this.transition;
  }
}
