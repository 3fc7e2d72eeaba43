import type { Logger } from "pino";
import type { FirewallView } from "../../domain/security-groups/firewall-view.js";
import { chainRules, type ChainRule, type OpenDestination, type ProtectedTask } from "./rules.js";

/** What the firewall writes rules with: IptablesChain on a host, an in-memory one in tests. */
export interface RuleSink {
  replace(rules: readonly ChainRule[]): Promise<void>;
  remove(): Promise<void>;
}

export interface FirewallOptions {
  readonly sink: RuleSink;
  /** This agent's awsvpc tasks that have an address now. */
  readonly tasks: () => ProtectedTask[];
  /** What its tasks reach whatever their groups' egress allows: the agent's endpoints (credentials, task metadata) and the DNS resolvers. */
  readonly alwaysOpen?: readonly OpenDestination[];
  readonly logger: Logger;
  /** Wait before trying again after a failed write. */
  readonly retryMs?: number;
}

/**
 * Enforces security groups for this agent's awsvpc tasks. Owns one loop: whenever the server's
 * view or the agent's tasks change (`update`, `tasksChanged`), it computes the chain (rules.ts) and
 * writes it when it differs from what it last wrote. A failed write is retried; only the newest
 * state is ever written. Until the first view arrives a task's groups are unknown: nothing reaches it,
 * and it opens no connection but to the destinations always open (endpoints, DNS).
 */
export class Firewall {
  private view: FirewallView = { groups: [], members: [] };
  private applied: string | undefined;
  private running: Promise<void> = Promise.resolve();
  private dirty = false;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  private failures = 0;

  constructor(private readonly opts: FirewallOptions) {}

  /**
   * Replaces what an earlier run of this agent left (a crash leaves its chain behind), after the
   * agent adopted its tasks: until the server's view arrives, nothing reaches an adopted task but
   * replies to connections it already had. With no task, the chain goes.
   */
  async start(): Promise<void> {
    this.running = this.running.then(async () => {
      const rules = chainRules(this.view, this.opts.tasks(), this.opts.alwaysOpen);
      if (rules.length === 0) return this.opts.sink.remove().catch((err: unknown) => this.opts.logger.warn({ err }, "could not remove the security-group chain an earlier run left"));
      this.dirty = true;
      await this.apply();
    });
    await this.running;
  }

  update(view: FirewallView): void {
    this.view = view;
    this.schedule();
  }

  tasksChanged(): void {
    this.schedule();
  }

  /** A task got its address: resolves once the rules that include it are written (or the write failed, and is retried). */
  guard(): Promise<void> {
    this.schedule();
    return this.running;
  }

  /** Waits for writes under way; for tests and shutdown. */
  async settled(): Promise<void> {
    while (this.dirty) await this.running;
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.running;
    await this.opts.sink.remove().catch((err: unknown) => this.opts.logger.warn({ err }, "could not remove the security-group chain"));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.dirty = true;
    this.running = this.running.then(() => this.apply());
  }

  private async apply(): Promise<void> {
    if (!this.dirty || this.stopped) return;
    this.dirty = false;
    const rules = chainRules(this.view, this.opts.tasks(), this.opts.alwaysOpen);
    const text = JSON.stringify(rules);
    // No awsvpc task has ever needed a rule: the host's tables stay untouched.
    if (text === this.applied || (rules.length === 0 && this.applied === undefined)) return;
    try {
      await this.opts.sink.replace(rules);
      this.applied = text;
      this.failures = 0;
      this.opts.logger.debug({ rules: rules.length }, "security-group rules written");
    } catch (err) {
      // Backing off to 30 s: a host without iptables (or an agent not root) logs twice a minute, not every moment.
      const delayMs = Math.min(30_000, (this.opts.retryMs ?? 1000) * 2 ** this.failures++);
      this.opts.logger.error({ err, retryInMs: delayMs }, "could not write the security-group rules; retrying");
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.schedule(), delayMs);
    }
  }
}
