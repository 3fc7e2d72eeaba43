import type { Target } from "@aws-sdk/client-eventbridge";
import type { TaskOverride } from "@aws-sdk/client-ecs";

/**
 * EventBridge rules of the default event bus as the store keeps them (migration 11): the rule, its
 * targets (EventBridge's own `Target` shape, as PutTargets received it) and the schedule's
 * bookkeeping. `lastFireMs` is saved in the same write that starts a run's tasks, so a due run
 * starts once, across restarts.
 */
export interface EventRuleRecord {
  readonly name: string;
  readonly arn: string;
  /** Bumped by every save; a save over another version throws (two writers never both fire a run). */
  readonly version: number;
  readonly state: "ENABLED" | "DISABLED";
  readonly scheduleExpression?: string | undefined;
  readonly eventPattern?: string | undefined;
  readonly description?: string | undefined;
  readonly roleArn?: string | undefined;
  /** The account that created it. */
  readonly createdBy: string;
  readonly targets: readonly EventTargetRecord[];
  /** When a rate() schedule counts its periods from: when the rule was created, or last enabled. */
  readonly anchorMs: number;
  /** When the schedule is due next; absent when the rule is disabled, has no schedule or never fires again. */
  readonly nextFireMs?: number | undefined;
  /** The due time of the last run started (the schedule's, not the clock's). */
  readonly lastFireMs?: number | undefined;
  /** The newest invocations, oldest first (at most `keptInvocations`). */
  readonly invocations: readonly InvocationRecord[];
}

export const keptInvocations = 20;

/** A target as PutTargets received it, and the task overrides its `Input` carries (checked once, at PutTargets). */
export interface EventTargetRecord {
  readonly target: Target;
  readonly overrides?: TaskOverride | undefined;
}

/** One run of a rule: when it was due, when it ran, and per target what happened. */
export interface InvocationRecord {
  /** For a scheduled run its due time; for a matched event the event's time. */
  readonly dueMs: number;
  /** For a matched event: its detail-type, resource and id. */
  readonly event?: { readonly detailType: string; readonly resource?: string | undefined; readonly id: string } | undefined;
  readonly atMs: number;
  readonly targets: readonly TargetOutcome[];
}

export interface TargetOutcome {
  readonly targetId: string;
  readonly taskArns: readonly string[];
  /** Why tasks were not started (placement failures, a missing task definition): FailedInvocations. */
  readonly failure?: string | undefined;
}

/** A page of rules by name (store.ts's PageRequest and Page, restated: store.ts imports this module). */
export interface EventRuleQuery {
  readonly namePrefix?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface EventRulePage {
  readonly items: readonly EventRuleRecord[];
  readonly nextAfter?: string | undefined;
}

export interface EventRuleReader {
  get(name: string): Promise<EventRuleRecord | undefined>;
  /** Rules ordered by name. */
  list(q: EventRuleQuery): Promise<EventRulePage>;
  /** Enabled scheduled rules due at `nowMs` (nextFireMs ≤ nowMs), soonest first. */
  due(nowMs: number, limit: number): Promise<EventRuleRecord[]>;
  /** Rules with an event pattern (enabled or not), by name. */
  withPattern(): Promise<EventRuleRecord[]>;
  /** The soonest nextFireMs of any rule, for the runner's timer. */
  soonest(): Promise<number | undefined>;
}

export interface EventRuleRepository extends EventRuleReader {
  /** Saves version 1 as a new rule, version n + 1 only over version n; otherwise throws EventRuleConflictError. */
  put(record: EventRuleRecord): Promise<void>;
  delete(name: string): Promise<void>;
}

export class EventRuleConflictError extends Error {
  override readonly name = "EventRuleConflictError";
  constructor(readonly rule: string) {
    super(`event rule ${rule} was saved by another writer`);
  }
}
