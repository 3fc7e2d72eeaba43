import type { TaskOverride } from "@aws-sdk/client-ecs";
import { TaskOverride$ } from "../../aws-sdk/ecs.js";
import type { CreateScheduleInput, Target } from "@aws-sdk/client-scheduler";
import { ecsResource } from "../../domain/arn.js";
import { networkProblem } from "../../domain/events/network-configuration.js";
import { parseSchedulerExpression } from "../../domain/schedules/scheduler-expression.js";
import { isTimeZone } from "../../domain/schedules/time-zone.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ScheduleRecord } from "../../state/schedule-records.js";
import { validateShape } from "../aws-json/validate-shape.js";

const invalid = (message: string): AwsError => new AwsError("ValidationException", message);
const namePattern = /^[0-9a-zA-Z\-_.]{1,64}$/;

/** A schedule's or group's name as Scheduler's model constrains it (1 to 64 of `0-9a-zA-Z-_.`). */
export function checkName(member: string, value: string | undefined): string {
  if (value === undefined || !namePattern.test(value)) throw invalid(`${member} must be 1 to 64 characters of 0-9, a-z, A-Z, '-', '_' and '.'; got '${excerpt(value ?? "", 64)}'.`);
  return value;
}

/** What CreateSchedule and UpdateSchedule say of a schedule, checked as Scheduler checks it; the record's timing is set by `timed`. */
export type ScheduleSettings = Pick<ScheduleRecord, "scheduleExpression" | "timezone" | "startDateMs" | "endDateMs" | "description" | "state" | "flexibleTimeWindow" | "actionAfterCompletion" | "kmsKeyArn" | "target" | "overrides">;

export function scheduleSettings(input: CreateScheduleInput): ScheduleSettings {
  const expression = input.ScheduleExpression ?? "";
  const parsed = parseSchedulerExpression(expression);
  if ("invalid" in parsed) throw invalid(`Invalid Schedule Expression ${excerpt(expression, 256)}: ${parsed.invalid}.`);
  const timezone = input.ScheduleExpressionTimezone;
  if (timezone !== undefined && !isTimeZone(timezone)) throw invalid(`Invalid ScheduleExpressionTimezone '${excerpt(timezone, 64)}': use an IANA time zone name such as America/New_York.`);
  const startDateMs = dateMs(input.StartDate, "StartDate");
  const endDateMs = dateMs(input.EndDate, "EndDate");
  if (startDateMs !== undefined && endDateMs !== undefined && endDateMs <= startDateMs) throw invalid("The EndDate must be after the StartDate.");
  const state = input.State ?? "ENABLED";
  if (state !== "ENABLED" && state !== "DISABLED") throw invalid(`State must be ENABLED or DISABLED; got '${excerpt(state)}'.`);
  const action = input.ActionAfterCompletion ?? "NONE";
  if (action !== "NONE" && action !== "DELETE") throw invalid(`ActionAfterCompletion must be NONE or DELETE; got '${excerpt(action)}'.`);
  if ((input.Description?.length ?? 0) > 512) throw invalid("Description can be at most 512 characters.");
  return {
    scheduleExpression: expression,
    timezone,
    startDateMs,
    endDateMs,
    description: input.Description,
    state,
    flexibleTimeWindow: flexibleWindow(input.FlexibleTimeWindow),
    actionAfterCompletion: action,
    kmsKeyArn: input.KmsKeyArn,
    ...ecsTarget(input.Target),
  };
}

function dateMs(value: unknown, member: string): number | undefined {
  if (value === undefined) return undefined;
  // REST-JSON timestamps: epoch seconds (the SDKs and the CLI), or an ISO date.
  const ms = typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid(`${member} is not a valid timestamp.`);
  return ms;
}

function flexibleWindow(w: CreateScheduleInput["FlexibleTimeWindow"]): ScheduleRecord["flexibleTimeWindow"] {
  const mode = w?.Mode;
  if (mode === "OFF") {
    if (w?.MaximumWindowInMinutes !== undefined) throw invalid("MaximumWindowInMinutes is only allowed when FlexibleTimeWindow's Mode is FLEXIBLE.");
    return { Mode: "OFF" };
  }
  if (mode === "FLEXIBLE") {
    const minutes = w?.MaximumWindowInMinutes;
    if (minutes === undefined || !Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw invalid("A FLEXIBLE FlexibleTimeWindow needs MaximumWindowInMinutes from 1 to 1440.");
    return { Mode: "FLEXIBLE", MaximumWindowInMinutes: minutes };
  }
  throw invalid(`FlexibleTimeWindow's Mode must be OFF or FLEXIBLE; got '${excerpt(String(mode))}'.`);
}

/** An ECS RunTask target, the only kind Berth invokes; its Input is the task's overrides. */
function ecsTarget(t: Target | undefined): Pick<ScheduleRecord, "target" | "overrides"> {
  if (!t) throw invalid("Target is required.");
  if (ecsResource(t.Arn ?? "")?.type !== "cluster") throw invalid(`Berth invokes ECS clusters only: Target.Arn must be an ECS cluster ARN; got '${excerpt(t.Arn ?? "", 256)}'.`);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(t.RoleArn ?? "")) throw invalid(`Target.RoleArn must be an IAM role ARN; got '${excerpt(t.RoleArn ?? "", 256)}'.`);
  const ecs = t.EcsParameters;
  if (!ecs) throw invalid("Target.EcsParameters is required for an ECS cluster target.");
  const count = ecs.TaskCount ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 10) throw invalid(`EcsParameters.TaskCount must be from 1 to 10; got ${count}.`);
  const network = networkProblem(ecs.NetworkConfiguration?.awsvpcConfiguration, "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration");
  if (network) throw invalid(network);
  const retry = t.RetryPolicy;
  if (retry?.MaximumEventAgeInSeconds !== undefined && (retry.MaximumEventAgeInSeconds < 60 || retry.MaximumEventAgeInSeconds > 86_400)) throw invalid("RetryPolicy.MaximumEventAgeInSeconds must be from 60 to 86400.");
  if (retry?.MaximumRetryAttempts !== undefined && (retry.MaximumRetryAttempts < 0 || retry.MaximumRetryAttempts > 185)) throw invalid("RetryPolicy.MaximumRetryAttempts must be from 0 to 185.");
  if (t.Input === undefined) return { target: t };
  let parsed: unknown;
  try {
    parsed = JSON.parse(t.Input);
  } catch {
    throw invalid("Target.Input is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalid('Target.Input must be a JSON object of task overrides, such as {"containerOverrides": [...]}.');
  let overrides: TaskOverride;
  try {
    overrides = validateShape(TaskOverride$, parsed);
  } catch (e) {
    if (e instanceof AwsError) throw invalid(`Target.Input is not a task override: ${e.message}`);
    throw e;
  }
  return { target: t, overrides };
}
