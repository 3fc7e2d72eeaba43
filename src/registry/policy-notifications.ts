import { randomUUID } from "node:crypto";
import type pg from "pg";
import { DedicatedConnection } from "../state/postgres/connection.js";

/** One NOTIFY's payload: which instance changed which repository's policy. */
interface PolicyNotice {
  readonly origin: string;
  readonly repository: string;
}

const noticeOf = (payload: string | undefined): PolicyNotice | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload ?? "");
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || !("origin" in parsed) || !("repository" in parsed)) return undefined;
  const { origin, repository } = parsed;
  return typeof origin === "string" && typeof repository === "string" ? { origin, repository } : undefined;
};

export interface PolicyNotificationsOptions {
  /** How to connect the listening connection (search_path and types as the pool's). */
  readonly connection: pg.ClientConfig;
  readonly channel: string;
  /** Every repository there is: after a broken listener came back, each may have changed unheard. */
  readonly repositories: () => Promise<readonly string[]>;
  /** How often a broken listening connection is made anew. */
  readonly reconnectEveryMs: number;
}

/**
 * `onPolicyChange` across replicas: a transaction that may change a repository's policy sends
 * {@link notify}'s NOTIFY, which PostgreSQL delivers to every replica's listening connection once it
 * commits. The instance that wrote tells its own listeners itself, at once (as SQLite's does), and
 * skips its own notification. While the listening connection is broken, notifications are lost:
 * once it listens again, every listener hears of every repository.
 */
export class PolicyNotifications {
  /** Names this instance in its notifications, so it skips its own. */
  private readonly origin = randomUUID();
  private readonly listeners: ((repository: string) => void)[] = [];
  private readonly connection: DedicatedConnection;
  private readonly reconnecting: NodeJS.Timeout;
  private listenedBefore = false;
  private closed = false;

  private constructor(private readonly options: PolicyNotificationsOptions) {
    this.connection = new DedicatedConnection(options.connection, (c) => this.listen(c), (m) => this.heard(m));
    this.reconnecting = setInterval(() => void this.connection.get().catch(() => undefined), options.reconnectEveryMs).unref();
  }

  /** Listens from now on (the first connection must succeed; later ones are retried). */
  static async start(options: PolicyNotificationsOptions): Promise<PolicyNotifications> {
    const notifications = new PolicyNotifications(options);
    try {
      await notifications.connection.get();
    } catch (err) {
      await notifications.close();
      throw err;
    }
    return notifications;
  }

  onPolicyChange(listener: (repository: string) => void): void {
    this.listeners.push(listener);
  }

  /** Sends the notification; run it inside the transaction that makes the change. */
  notify(query: (text: string, params: readonly unknown[]) => Promise<unknown>, repository: string): Promise<unknown> {
    return query("SELECT pg_notify($1, $2)", [this.options.channel, JSON.stringify({ origin: this.origin, repository })]);
  }

  /** Tells this instance's listeners (after its own change, whether or not it committed: a forgotten policy is only read again). */
  changed(repository: string): void {
    for (const l of this.listeners) l(repository);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reconnecting);
    await this.connection.end();
  }

  private async listen(client: pg.Client): Promise<void> {
    if (this.closed) throw new Error("policy notifications are closed");
    await client.query(`LISTEN ${this.options.channel}`);
    // What changed while no connection listened was never heard: everything may have.
    if (this.listenedBefore) for (const name of await this.options.repositories()) this.changed(name);
    this.listenedBefore = true;
  }

  private heard(message: pg.Notification): void {
    const notice = noticeOf(message.payload);
    if (this.closed || notice === undefined || notice.origin === this.origin) return;
    this.changed(notice.repository);
  }
}
