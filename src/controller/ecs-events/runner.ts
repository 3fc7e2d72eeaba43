import { randomUUID } from "node:crypto";
import type { ContainerInstance } from "@aws-sdk/client-ecs";
import type { Logger } from "pino";
import { toContainerInstance } from "../../api/ecs/container-instances.js";
import type { Partition } from "../../domain/arn.js";
import { compilePattern, matchesPattern, type CompiledPattern } from "../../domain/events/event-pattern.js";
import type { Planner } from "../../planner/planner.js";
import type { LoggedChange } from "../../state/changes.js";
import { EcsEventCursorMoved } from "../../state/ecs-event-records.js";
import { keptInvocations, type EventRuleRecord, type InvocationRecord } from "../../state/event-rule-records.js";
import type { Store, WriteTx } from "../../state/store.js";
import { invokeTarget } from "../schedules/invoke-target.js";
import { deriveEvents, stateKeys, type EcsEvent } from "./ecs-events.js";

export interface EcsEventRunnerOptions {
  readonly store: Store;
  readonly planner: Planner;
  readonly partition: Partition;
  readonly logger: Logger;
  readonly now: () => number;
  /** How long to wait before trying a failed batch again (doubling up to 30 s). */
  readonly retryMs?: number;
}

/** Changes read per write. */
const batchSize = 500;
/** How often the states of purged tasks are forgotten. */
const forgetEveryMs = 600_000;

/** What one batch did, for tests and logs. */
export interface BatchOutcome {
  readonly events: readonly EcsEvent[];
  readonly invocations: ReadonlyArray<{ readonly rule: string; readonly invocation: InvocationRecord }>;
}

/**
 * Makes ECS events of the store's change log and runs the ECS targets of the EventBridge rules
 * whose event pattern they match. It reads the log from its cursor, kept in the store: each batch
 * is one write that derives the events (against the states saved by earlier batches), starts the
 * matched rules' tasks through the planner, records the invocations on the rules, and saves the
 * states and the new cursor. A batch commits whole or not at all, so after a restart (or kill -9)
 * the log is read on from the last batch that committed: no event runs its targets twice or never.
 */
export class EcsEventRunner {
  private readonly queue: LoggedChange[] = [];
  private wake: (() => void) | undefined;
  private stopped = false;
  private unsubscribe: () => void = () => undefined;
  private loop: Promise<void> = Promise.resolve();
  /** Compiled patterns by their text: rules are re-read every batch, patterns compiled once. */
  private readonly patterns = new Map<string, CompiledPattern | undefined>();
  private lastForgetMs = 0;

  constructor(private readonly opts: EcsEventRunnerOptions) {}

  /** Reads the cursor (setting it to the log's head on the first start) and follows the log from there. */
  async start(): Promise<void> {
    const { store } = this.opts;
    let cursor = await store.read((tx) => tx.ecsEvents.cursor());
    if (cursor === undefined) {
      const head = await store.changes.head();
      await store.write((tx) => tx.ecsEvents.advance(undefined, head)).catch((e: unknown) => {
        if (!(e instanceof EcsEventCursorMoved)) throw e;
      });
      cursor = (await store.read((tx) => tx.ecsEvents.cursor())) ?? head;
    }
    this.lastForgetMs = this.opts.now();
    this.unsubscribe = store.changes.subscribe(
      (c) => {
        this.queue.push(c);
        this.wake?.();
      },
      {
        from: cursor,
        onError: (err) => {
          // The log no longer holds changes after the cursor (down longer than it keeps), or reading failed: say so; events resume with the next changes.
          this.opts.logger.error({ err }, "ecs-events: the change log could not be read from the cursor; following it from now");
          this.unsubscribe = store.changes.subscribe((c) => {
            this.queue.push(c);
            this.wake?.();
          });
        },
      },
    );
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoffMs = this.opts.retryMs ?? 1000;
    while (!this.stopped) {
      if (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      if (this.stopped) return;
      const batch = this.queue.slice(0, batchSize);
      try {
        await this.process(batch);
        this.queue.splice(0, batch.length);
        backoffMs = this.opts.retryMs ?? 1000;
        await this.forgetGoneTasks();
      } catch (err) {
        // Another writer read these changes first: the next try skips them.
        if (err instanceof EcsEventCursorMoved) continue;
        this.opts.logger.error({ err, changes: batch.length }, "ecs-events: a batch failed; trying it again");
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, backoffMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        backoffMs = Math.min(30_000, backoffMs * 2);
      }
    }
  }

  /** One batch in one write; changes at or before the stored cursor are skipped (another writer, or a replay, read them). */
  async process(batch: readonly LoggedChange[]): Promise<BatchOutcome> {
    const { store, planner, partition, logger } = this.opts;
    const outcome = await planner.retrying(() =>
      store.write(async (tx) => {
        const cursor = await tx.ecsEvents.cursor();
        const fresh = batch.filter((c) => cursor === undefined || c.revision > cursor);
        const last = fresh.at(-1);
        if (!last) return { events: [], invocations: [] };
        // No rule to run: only the cursor moves. Without rules nobody reads the states, and a rule made
        // later sees the changes after it, compared with whatever state is kept (or none).
        const rules = (await tx.eventRules.withPattern()).filter((r) => r.state === "ENABLED" && r.targets.length > 0);
        if (rules.length === 0) {
          await tx.ecsEvents.advance(cursor, last.revision);
          return { events: [], invocations: [] };
        }
        const nowMs = this.opts.now();
        const instances = new Map<string, ContainerInstance>();
        for (const c of fresh) if (c.kind === "instance") instances.set(c.record.arn, await toContainerInstance(tx, c.record));
        const { events, states } = deriveEvents(fresh, await tx.ecsEvents.states(stateKeys(fresh)), { partition, nowMs, newId: randomUUID, instances });
        const invocations = await this.runTargets(tx, rules, events, nowMs);
        await tx.ecsEvents.setStates(states);
        await tx.ecsEvents.advance(cursor, last.revision);
        return { events, invocations };
      }),
    );
    for (const e of outcome.events) logger.debug({ detailType: e["detail-type"], resource: e.resources[0], id: e.id }, "ecs-events: event");
    for (const { rule, invocation } of outcome.invocations) {
      const failed = invocation.targets.filter((t) => t.failure !== undefined);
      logger[failed.length > 0 ? "warn" : "info"](
        { rule, event: invocation.event, tasks: invocation.targets.flatMap((t) => t.taskArns), failedInvocations: failed.length, failures: failed.map((f) => f.failure) },
        "ecs-events: rule invoked",
      );
    }
    return outcome;
  }

  /** Runs the targets of every enabled rule each event matches, and records the invocations on the rules. */
  private async runTargets(tx: WriteTx, rules: readonly EventRuleRecord[], events: readonly EcsEvent[], nowMs: number): Promise<Array<{ rule: string; invocation: InvocationRecord }>> {
    const done: Array<{ rule: string; invocation: InvocationRecord }> = [];
    const byRule = new Map<string, InvocationRecord[]>();
    for (const event of events) {
      for (const rule of rules) {
        const pattern = this.patternOf(rule);
        if (!pattern || !matchesPattern(pattern, event)) continue;
        const targets = [];
        for (const t of rule.targets) targets.push(await invokeTarget(tx, { planner: this.opts.planner, partition: this.opts.partition, nowMs }, rule.name, t));
        const invocation: InvocationRecord = { dueMs: nowMs, atMs: nowMs, event: { detailType: event["detail-type"], resource: event.resources[0], id: event.id }, targets };
        byRule.set(rule.name, [...(byRule.get(rule.name) ?? []), invocation]);
        done.push({ rule: rule.name, invocation });
      }
    }
    for (const rule of rules) {
      const added = byRule.get(rule.name);
      if (added) await tx.eventRules.put({ ...rule, version: rule.version + 1, invocations: [...rule.invocations, ...added].slice(-keptInvocations) });
    }
    return done;
  }

  /** A rule's compiled pattern (PutRule checked it; a pattern that no longer compiles matches nothing). */
  private patternOf(rule: EventRuleRecord): CompiledPattern | undefined {
    const text = rule.eventPattern;
    if (text === undefined) return undefined;
    if (this.patterns.has(text)) return this.patterns.get(text);
    let pattern: CompiledPattern | undefined;
    try {
      pattern = compilePattern(text);
    } catch {
      pattern = undefined;
    }
    if (this.patterns.size > 10_000) this.patterns.clear();
    this.patterns.set(text, pattern);
    return pattern;
  }

  private async forgetGoneTasks(): Promise<void> {
    const nowMs = this.opts.now();
    if (nowMs - this.lastForgetMs < forgetEveryMs) return;
    this.lastForgetMs = nowMs;
    await this.opts.store.write((tx) => tx.ecsEvents.forgetGoneTasks());
  }
}
