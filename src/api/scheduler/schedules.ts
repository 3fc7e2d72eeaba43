import type { CreateScheduleInput, DeleteScheduleInput, GetScheduleInput, GetScheduleOutput, ListSchedulesInput, UpdateScheduleInput } from "@aws-sdk/client-scheduler";
import { CreateSchedule$, DeleteSchedule$, GetSchedule$, ListSchedules$, UpdateSchedule$ } from "../../aws-sdk/scheduler.js";
import { scheduleArn } from "../../domain/arn.js";
import { timed } from "../../domain/schedules/schedule-timing.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ScheduleRecord } from "../../state/schedule-records.js";
import type { Store, WriteTx } from "../../state/store.js";
import { encodeToken } from "../pagination.js";
import { restOperation, type RestOperation } from "../rest-json/service.js";
import { groupExists, maxResults } from "./groups.js";
import { nextTokenAfter } from "../pagination.js";
import { checkName, scheduleSettings } from "./schedule-input.js";

const notFound = (group: string, name: string): AwsError => new AwsError("ResourceNotFoundException", `Schedule ${excerpt(name, 64)} does not exist in group ${excerpt(group, 64)}.`);

export function scheduleOperations({ store }: { readonly store: Store }): Record<string, RestOperation> {
  /** The group a call names (default: `default`), which must exist. */
  const groupOf = async (tx: WriteTx, name: string | undefined): Promise<string> => {
    const group = checkName("GroupName", name ?? "default");
    if (!(await groupExists(tx, group))) throw new AwsError("ResourceNotFoundException", `Schedule group ${excerpt(group, 64)} does not exist.`);
    return group;
  };

  return {
    CreateSchedule: restOperation<CreateScheduleInput>(CreateSchedule$, async (input, ctx) => {
      const name = checkName("Name", input.Name);
      const settings = scheduleSettings(input);
      const arn = await store.write(async (tx) => {
        const group = await groupOf(tx, input.GroupName);
        if (await tx.schedules.get(group, name)) throw new AwsError("ConflictException", `Schedule ${name} already exists.`);
        const record = timed({ group, name, arn: scheduleArn(ctx.partition, group, name), version: 1, ...settings, createdAtMs: ctx.nowMs, modifiedAtMs: ctx.nowMs, anchorMs: ctx.nowMs, invocations: [] }, ctx.nowMs);
        await tx.schedules.put(record);
        return record.arn;
      });
      return { ScheduleArn: arn };
    }),

    UpdateSchedule: restOperation<UpdateScheduleInput>(UpdateSchedule$, async (input, ctx) => {
      const name = checkName("Name", input.Name);
      const settings = scheduleSettings(input);
      const arn = await store.write(async (tx) => {
        const group = await groupOf(tx, input.GroupName);
        const old = await tx.schedules.get(group, name);
        if (!old) throw notFound(group, name);
        // The same timing keeps its count and its last run; another timing starts afresh.
        const same = old.scheduleExpression === settings.scheduleExpression && old.timezone === settings.timezone && old.startDateMs === settings.startDateMs && old.state === settings.state;
        const record = timed({ ...old, ...settings, version: old.version + 1, modifiedAtMs: ctx.nowMs, anchorMs: same ? old.anchorMs : ctx.nowMs, lastDueMs: same ? old.lastDueMs : undefined }, ctx.nowMs);
        await tx.schedules.put(record);
        return record.arn;
      });
      return { ScheduleArn: arn };
    }),

    GetSchedule: restOperation<GetScheduleInput>(GetSchedule$, async (input) => {
      const name = checkName("Name", input.Name);
      const group = checkName("GroupName", input.GroupName ?? "default");
      const record = await store.read((tx) => tx.schedules.get(group, name));
      if (!record) throw notFound(group, name);
      return scheduleView(record);
    }),

    DeleteSchedule: restOperation<DeleteScheduleInput>(DeleteSchedule$, async (input) => {
      const name = checkName("Name", input.Name);
      const group = checkName("GroupName", input.GroupName ?? "default");
      await store.write(async (tx) => {
        if (!(await tx.schedules.get(group, name))) throw notFound(group, name);
        await tx.schedules.delete(group, name);
      });
      return {};
    }),

    ListSchedules: restOperation<ListSchedulesInput>(ListSchedules$, async (input) => {
      if (input.GroupName !== undefined) checkName("GroupName", input.GroupName);
      if (input.NamePrefix !== undefined) checkName("NamePrefix", input.NamePrefix);
      if (input.State !== undefined && input.State !== "ENABLED" && input.State !== "DISABLED") throw new AwsError("ValidationException", `State must be ENABLED or DISABLED; got '${excerpt(input.State)}'.`);
      const page = await store.read((tx) => tx.schedules.list({ group: input.GroupName, namePrefix: input.NamePrefix, state: input.State, after: nextTokenAfter(input.NextToken), limit: maxResults(input.MaxResults) }));
      return {
        Schedules: page.items.map((s) => ({ Arn: s.arn, Name: s.name, GroupName: s.group, State: s.state, CreationDate: new Date(s.createdAtMs), LastModificationDate: new Date(s.modifiedAtMs), Target: { Arn: s.target.Arn } })),
        NextToken: encodeToken(page.nextAfter),
      };
    }),
  };
}

function scheduleView(s: ScheduleRecord): GetScheduleOutput {
  const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
  return {
    Arn: s.arn,
    GroupName: s.group,
    Name: s.name,
    ScheduleExpression: s.scheduleExpression,
    ScheduleExpressionTimezone: s.timezone,
    StartDate: date(s.startDateMs),
    EndDate: date(s.endDateMs),
    Description: s.description,
    State: s.state,
    CreationDate: new Date(s.createdAtMs),
    LastModificationDate: new Date(s.modifiedAtMs),
    KmsKeyArn: s.kmsKeyArn,
    Target: s.target,
    FlexibleTimeWindow: s.flexibleTimeWindow,
    ActionAfterCompletion: s.actionAfterCompletion,
  };
}
