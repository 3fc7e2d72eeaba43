import type { Partition } from "../../domain/arn.js";
import { standaloneLaunch } from "../../domain/launch.js";
import { AwsError } from "../../errors/catalog.js";
import { launchThroughCapacity } from "../../planner/capacity-launch.js";
import type { Planner } from "../../planner/planner.js";
import { InvalidPlacementRequest } from "../../scheduler/invalid-request.js";
import { QuerySyntaxError } from "../../scheduler/query/syntax-error.js";
import type { EventTargetRecord, TargetOutcome } from "../../state/event-rule-records.js";
import type { WriteTx } from "../../state/store.js";
import { targetRun, type TargetRun } from "./target-request.js";

export interface InvokeContext {
  readonly planner: Planner;
  readonly partition: Partition;
  readonly nowMs: number;
}

/**
 * Starts one ECS target's tasks inside the caller's write, as RunTask would (the one launch path:
 * `standaloneLaunch` + `launchThroughCapacity`), for a scheduled run or a matched event alike. The rule's
 * own mistakes (no such cluster or task definition, a bad override, nothing fits) are the outcome
 * (FailedInvocations), not an error.
 */
export function invokeTarget(tx: WriteTx, ctx: InvokeContext, ruleName: string, t: EventTargetRecord): Promise<TargetOutcome> {
  return invokeRun(tx, ctx, t.target.Id ?? "", targetRun(ruleName, t.target, t.overrides));
}

/** Starts the tasks of one RunTask-like request (a rule's target, a schedule's), or says why it could not. */
export async function invokeRun(tx: WriteTx, ctx: InvokeContext, targetId: string, { request, count }: TargetRun): Promise<TargetOutcome> {
  try {
    const launch = await standaloneLaunch(tx, request);
    const placed = await launchThroughCapacity(ctx.planner, tx, launch, count, { partition: ctx.partition, nowMs: ctx.nowMs });
    const taskArns = placed.tasks.map((x) => x.arn);
    if (taskArns.length === count) return { targetId, taskArns };
    const reasons = [...new Set(placed.failures.map((f) => `${f.reason ?? ""}${f.detail ? `: ${f.detail}` : ""}`))];
    return { targetId, taskArns, failure: `${count - taskArns.length} of ${count} tasks not placed${reasons.length > 0 ? `: ${reasons.join("; ")}` : " (no container instance in the cluster)"}` };
  } catch (e) {
    if (e instanceof AwsError || e instanceof InvalidPlacementRequest || e instanceof QuerySyntaxError) return { targetId, taskArns: [], failure: e instanceof AwsError ? `${e.code}: ${e.message}` : e.message };
    throw e;
  }
}
