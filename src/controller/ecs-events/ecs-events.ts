import type { ContainerInstance } from "@aws-sdk/client-ecs";
import { toTask } from "../../api/ecs/task-view.js";
import { clusterArn, type Partition } from "../../domain/arn.js";
import type { ServiceRecord } from "../../domain/service.js";
import type { TaskRecord } from "../../domain/task.js";
import type { LoggedChange } from "../../state/changes.js";

/** An event of the default event bus in EventBridge's JSON shape, as ECS sends them (source `aws.ecs`). */
export interface EcsEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": EcsDetailType;
  readonly source: "aws.ecs";
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

export type EcsDetailType = "ECS Task State Change" | "ECS Container Instance State Change" | "ECS Deployment State Change" | "ECS Service Action";

export interface DeriveContext {
  readonly partition: Partition;
  readonly nowMs: number;
  readonly newId: () => string;
  /** The ECS shape of each changed container instance (its remaining resources need the store). */
  readonly instances: ReadonlyMap<string, ContainerInstance>;
}

/** The events of a batch of changes, and the states they were made of (to save, so that none is made twice). */
export interface Derived {
  readonly events: readonly EcsEvent[];
  readonly states: ReadonlyMap<string, string>;
}

/**
 * The ECS events a batch of committed changes makes, in order, given the states the earlier events
 * were made of (`seen`, by `stateKeys`). As ECS documents them:
 * - a task's change of status (its own or a container's, last or desired) is one "ECS Task State
 *   Change" (other saves of a task, such as its load balancer health, make none);
 * - every save of a container instance is one "ECS Container Instance State Change" (ECS sends one
 *   whenever its status, agent connection or resources change; each save bumps its `version`);
 * - a deployment's new rolloutState is one "ECS Deployment State Change", a service reaching a steady
 *   state one "ECS Service Action" (SERVICE_STEADY_STATE).
 * Pure: the store's reads (seen states, instances) and the clock and ids come in.
 */
export function deriveEvents(changes: readonly LoggedChange[], seen: ReadonlyMap<string, string>, ctx: DeriveContext): Derived {
  const states = new Map<string, string>();
  const events: EcsEvent[] = [];
  const known = (key: string): string | undefined => states.get(key) ?? seen.get(key);
  const event = (detailType: EcsDetailType, resources: readonly string[], detail: Record<string, unknown>): EcsEvent => ({
    version: "0",
    id: ctx.newId(),
    "detail-type": detailType,
    source: "aws.ecs",
    account: ctx.partition.accountId,
    time: isoSeconds(ctx.nowMs),
    region: ctx.partition.region,
    resources,
    detail,
  });
  for (const c of changes) {
    if (c.kind === "task") {
      const detail = taskDetail(ctx.partition, c.record, ctx.nowMs);
      const state = taskState(detail);
      const key = `task:${c.record.arn}`;
      if (known(key) === state) continue;
      states.set(key, state);
      events.push(event("ECS Task State Change", [c.record.arn], detail));
    } else if (c.kind === "instance") {
      const shape = ctx.instances.get(c.record.arn);
      if (shape) events.push(event("ECS Container Instance State Change", [c.record.arn], { ...plain(shape), clusterArn: clusterArn(ctx.partition, c.record.cluster), updatedAt: new Date(ctx.nowMs).toISOString() }));
    } else if (c.kind === "service") {
      for (const [key, state, e] of serviceEvents(c.record, ctx.nowMs)) {
        if (known(key) === state) continue;
        states.set(key, state);
        events.push(event(e.detailType, [c.record.arn], e.detail));
      }
    }
  }
  return { events, states };
}

/** The state keys `deriveEvents` compares for these changes (to read from the store first). */
export function stateKeys(changes: readonly LoggedChange[]): string[] {
  const keys = new Set<string>();
  for (const c of changes) {
    if (c.kind === "task") keys.add(`task:${c.record.arn}`);
    if (c.kind === "service") for (const [key] of serviceEvents(c.record, 0)) keys.add(key);
  }
  return [...keys];
}

type ServiceEvent = readonly [key: string, state: string, event: { readonly detailType: EcsDetailType; readonly detail: Record<string, unknown> }];

function serviceEvents(s: ServiceRecord, nowMs: number): ServiceEvent[] {
  const out: ServiceEvent[] = s.deployments.map((d) => [
    `deployment:${s.arn}:${d.id}`,
    d.rolloutState,
    {
      detailType: "ECS Deployment State Change",
      detail: {
        eventType: d.rolloutState === "FAILED" ? "ERROR" : "INFO",
        eventName: `SERVICE_DEPLOYMENT_${d.rolloutState}`,
        deploymentId: d.id,
        updatedAt: new Date(d.updatedAtMs).toISOString(),
        reason: d.rolloutStateReason,
      },
    },
  ]);
  if (s.steadyNoticeAtMs !== undefined) {
    out.push([`steady:${s.arn}`, String(s.steadyNoticeAtMs), { detailType: "ECS Service Action", detail: { eventType: "INFO", eventName: "SERVICE_STEADY_STATE", clusterArn: s.clusterArn, createdAt: new Date(nowMs).toISOString() } }]);
  }
  return out;
}

/** A task's event detail: DescribeTasks' shape with ISO dates, and when it changed. */
function taskDetail(p: Partition, t: TaskRecord, nowMs: number): Record<string, unknown> {
  return { ...plain(toTask(p, t)), updatedAt: new Date(nowMs).toISOString() };
}

/** What a task state change event is about: the task's and its containers' last and desired status. */
function taskState(detail: Record<string, unknown>): string {
  const containers = Array.isArray(detail.containers) ? detail.containers.map((c: unknown) => (typeof c === "object" && c !== null && "lastStatus" in c ? String(c.lastStatus) : "")) : [];
  return [String(detail.lastStatus), String(detail.desiredStatus), ...containers].join("|");
}

/** An SDK shape as the JSON an event carries (dates as ISO strings, no undefined members). */
function plain(shape: object): Record<string, unknown> {
  const parsed: unknown = JSON.parse(JSON.stringify(shape));
  return isRecord(parsed) ? parsed : {};
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
