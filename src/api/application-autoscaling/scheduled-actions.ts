import type { DeleteScheduledActionRequest, DescribeScheduledActionsRequest, PutScheduledActionRequest } from "@aws-sdk/client-application-auto-scaling";
import { DeleteScheduledActionRequest$, DescribeScheduledActionsRequest$, PutScheduledActionRequest$ } from "../../aws-sdk/application-auto-scaling.js";
import type { ScheduledActionRecord } from "../../domain/autoscaling/records.js";
import { nextScheduledTime, parseSchedulerExpression } from "../../domain/schedules/scheduler-expression.js";
import { isTimeZone } from "../../domain/schedules/time-zone.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken } from "../pagination.js";
import { checkDimension, checkName, checkNamespace, checkResourceId, pageOf, registeredTarget, validation } from "./checks.js";
import type { ApplicationAutoScalingDeps } from "./deps.js";
import { scheduledActionView } from "./views.js";

/** Application Auto Scaling's quota of scheduled actions per scalable target. */
const maxActionsPerTarget = 200;

/** A timestamp member as the JSON front door hands it on: epoch seconds, or a date-time string. */
function timeOf(member: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const ms = typeof v === "number" ? v * 1000 : typeof v === "string" ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw validation(`${member} is not a valid time.`);
  return ms;
}

function capacity(member: string, n: number | undefined): number | undefined {
  if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > 5000)) throw validation(`${member} must be a whole number from 0 to 5000; got ${n}.`);
  return n;
}

export function scheduledActionOperations({ store, newId }: ApplicationAutoScalingDeps): Record<string, Operation> {
  return {
    PutScheduledAction: operation<PutScheduledActionRequest>(PutScheduledActionRequest$, async (input, ctx) => {
      checkNamespace(input.ServiceNamespace);
      const name = checkName("ScheduledActionName", input.ScheduledActionName, ":/|");
      const { resourceId } = checkResourceId(input.ResourceId);
      const dimension = checkDimension(input.ScalableDimension);
      const zone = input.Timezone;
      if (zone !== undefined && !isTimeZone(zone)) throw validation(`Timezone '${excerpt(zone)}' is not a time zone of the IANA database (for example America/New_York or Etc/UTC).`);
      const startMs = timeOf("StartTime", input.StartTime);
      const endMs = timeOf("EndTime", input.EndTime);
      if (startMs !== undefined && endMs !== undefined && endMs <= startMs) throw validation("EndTime must be after StartTime.");
      const min = capacity("MinCapacity", input.ScalableTargetAction?.MinCapacity);
      const max = capacity("MaxCapacity", input.ScalableTargetAction?.MaxCapacity);
      if (min !== undefined && max !== undefined && min > max) throw validation(`Minimum capacity (${min}) cannot be greater than maximum capacity (${max}).`);
      await store.write(async (tx) => {
        await registeredTarget(tx, resourceId, dimension);
        const old = await tx.autoScaling.scheduledAction(resourceId, dimension, name);
        const schedule = input.Schedule ?? old?.schedule;
        if (schedule === undefined) throw validation("Schedule is required to create a scheduled action: at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields).");
        const expression = parseSchedulerExpression(schedule);
        if ("invalid" in expression) throw validation(`Schedule '${excerpt(schedule)}' is not a valid expression: ${expression.invalid}.`);
        if (!old && (await tx.autoScaling.scheduledActions(resourceId)).length >= maxActionsPerTarget) {
          throw new AwsError("LimitExceededException", `A scalable target may have at most ${maxActionsPerTarget} scheduled actions.`);
        }
        const hex = newId();
        const action: ScheduledActionRecord = {
          arn: old?.arn ?? `arn:aws:autoscaling:${ctx.partition.region}:${ctx.partition.accountId}:scheduledAction:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}:resource/ecs/${resourceId}:scheduledActionName/${name}`,
          name,
          resourceId,
          dimension,
          schedule,
          timezone: zone ?? (input.Schedule === undefined ? old?.timezone : undefined),
          startMs: startMs ?? old?.startMs,
          endMs: endMs ?? old?.endMs,
          minCapacity: input.ScalableTargetAction ? min : old?.minCapacity,
          maxCapacity: input.ScalableTargetAction ? max : old?.maxCapacity,
          createdAtMs: old?.createdAtMs ?? ctx.nowMs,
        };
        const nextDueMs = nextScheduledTime({ expression, zone: action.timezone ?? "UTC", anchorMs: ctx.nowMs, startMs: action.startMs, endMs: action.endMs }, ctx.nowMs);
        await tx.autoScaling.putScheduledAction({ ...action, nextDueMs });
      });
      return {};
    }),

    DescribeScheduledActions: operation<DescribeScheduledActionsRequest>(DescribeScheduledActionsRequest$, async (input) => {
      checkNamespace(input.ServiceNamespace);
      if (input.ScalableDimension !== undefined) checkDimension(input.ScalableDimension);
      if (input.ResourceId !== undefined) checkResourceId(input.ResourceId);
      const names = input.ScheduledActionNames && new Set(input.ScheduledActionNames);
      const all = (await store.read((tx) => tx.autoScaling.scheduledActions(input.ResourceId))).filter((a) => !names || names.has(a.name));
      const { page, next } = pageOf(all, (a) => `${a.resourceId}\n${a.name}`, input, 50);
      return { ScheduledActions: page.map(scheduledActionView), NextToken: encodeToken(next) };
    }),

    DeleteScheduledAction: operation<DeleteScheduledActionRequest>(DeleteScheduledActionRequest$, async (input) => {
      checkNamespace(input.ServiceNamespace);
      const name = checkName("ScheduledActionName", input.ScheduledActionName);
      const { resourceId } = checkResourceId(input.ResourceId);
      const dimension = checkDimension(input.ScalableDimension);
      await store.write(async (tx) => {
        if (!(await tx.autoScaling.scheduledAction(resourceId, dimension, name))) {
          throw new AwsError("ObjectNotFoundException", `No scheduled action found for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${dimension}, scheduled action name: ${name}`);
        }
        await tx.autoScaling.deleteScheduledAction(resourceId, dimension, name);
      });
      return {};
    }),
  };
}
