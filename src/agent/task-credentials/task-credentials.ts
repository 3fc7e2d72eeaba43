import type { Logger } from "pino";
import type { TaskSpec } from "../../agent-protocol/messages.js";
import type { TaskRoleCredentials, TaskRoleType } from "../../agent-protocol/task-credentials.js";

export interface TaskCredentialsOptions {
  /** Asks the control plane for fresh credentials of a task's role (GetTaskRoleCredentials). */
  readonly fetch: (taskArn: string, roleType: TaskRoleType) => Promise<TaskRoleCredentials>;
  /** The id of a task's credentials in its containers' relative URI (credentials-id.ts). */
  readonly idOf: (taskArn: string) => string;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Renewals are at most an hour apart, whatever the expiration says. */
const maxRenewalGapMs = 3_600_000;

/** When to renew credentials issued at `issuedAtMs`: at half their life, as SDKs start refreshing well before expiry. */
export const renewAtMs = (issuedAtMs: number, expiresAtMs: number): number => issuedAtMs + Math.max(1000, (expiresAtMs - issuedAtMs) / 2);

/** How long to wait before asking again after `failures` failed asks in a row: 1 s doubling to 30 s. */
export const retryDelayMs = (failures: number): number => Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));

interface Entry {
  readonly taskArn: string;
  readonly id: string;
  current?: TaskRoleCredentials;
  /** The first ask, until it is answered: a container asking this early waits for it. */
  first: Promise<void>;
  timer?: NodeJS.Timeout;
  failures: number;
  forgotten: boolean;
}

/**
 * The credentials of this instance's tasks' roles, as the ECS agent keeps them: fetched when a task
 * with a `taskRoleArn` arrives, renewed at half-life (retried with backoff when the control plane
 * does not answer), forgotten when the task is no longer wanted. Served by id only
 * (credentials-handler.ts); every timer has this object as its owner and ends with {@link stop}.
 */
export class TaskCredentials {
  private readonly byTask = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();

  constructor(private readonly opts: TaskCredentialsOptions) {}

  /** Desired state from the server (the same calls the task manager gets): tracks tasks with roles. */
  sync(specs: readonly TaskSpec[], complete: boolean): void {
    const listed = new Set<string>();
    for (const spec of specs) {
      listed.add(spec.taskArn);
      if (spec.desiredStatus === "STOPPED" || spec.taskRoleArn === undefined) this.forget(spec.taskArn);
      else if (!this.byTask.has(spec.taskArn)) this.track(spec.taskArn);
    }
    if (complete) for (const arn of [...this.byTask.keys()]) if (!listed.has(arn)) this.forget(arn);
  }

  /**
   * The credentials with id `id` and the task they belong to; undefined for an id no task of this
   * instance has now. A request that comes before the first answer waits for it (at most `waitMs`).
   */
  async lookup(id: string, waitMs = 10_000): Promise<{ taskArn: string; credentials: TaskRoleCredentials | undefined } | undefined> {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    if (!entry.current) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.first, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    const fresh = entry.current && entry.current.expiration > this.opts.now() ? entry.current : undefined;
    return entry.forgotten ? undefined : { taskArn: entry.taskArn, credentials: fresh };
  }

  /** Tasks whose credentials are kept now. */
  get size(): number {
    return this.byTask.size;
  }

  stop(): void {
    for (const arn of [...this.byTask.keys()]) this.forget(arn);
  }

  private track(taskArn: string): void {
    let answered = (): void => undefined;
    const entry: Entry = { taskArn, id: this.opts.idOf(taskArn), first: new Promise<void>((r) => (answered = r)), failures: 0, forgotten: false };
    this.byTask.set(taskArn, entry);
    this.byId.set(entry.id, entry);
    void this.renew(entry, answered);
  }

  private forget(taskArn: string): void {
    const entry = this.byTask.get(taskArn);
    if (!entry) return;
    entry.forgotten = true;
    clearTimeout(entry.timer);
    this.byTask.delete(taskArn);
    this.byId.delete(entry.id);
  }

  /** One ask, then the next one scheduled: at half-life after an answer, with backoff after a failure. */
  private async renew(entry: Entry, answered: () => void = () => undefined): Promise<void> {
    const askedAtMs = this.opts.now();
    let nextInMs: number;
    try {
      const credentials = await this.opts.fetch(entry.taskArn, "TaskApplication");
      entry.current = credentials;
      entry.failures = 0;
      nextInMs = renewAtMs(askedAtMs, credentials.expiration) - this.opts.now();
      this.opts.logger.debug({ task: entry.taskArn, role: credentials.roleArn, expiration: new Date(credentials.expiration).toISOString() }, "task role credentials renewed");
    } catch (err) {
      entry.failures++;
      nextInMs = retryDelayMs(entry.failures);
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.opts.logger.warn({ task: entry.taskArn, err: why, retryInMs: nextInMs }, "could not get the task role's credentials");
    } finally {
      answered();
    }
    if (entry.forgotten) return;
    // At most an hour apart: an expiration far ahead (another clock, or a long session) must not
    // overflow the timer, which would fire at once and ask again and again.
    entry.timer = setTimeout(() => void this.renew(entry), Math.min(maxRenewalGapMs, Math.max(0, nextInMs)));
  }
}
