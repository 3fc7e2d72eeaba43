import type { CreateScheduleGroupInput, DeleteScheduleGroupInput, GetScheduleGroupInput, ListScheduleGroupsInput, ScheduleGroupSummary } from "@aws-sdk/client-scheduler";
import { CreateScheduleGroup$, DeleteScheduleGroup$, GetScheduleGroup$, ListScheduleGroups$ } from "../../aws-sdk/scheduler.js";
import { scheduleGroupArn, type Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ScheduleGroupRecord } from "../../state/schedule-records.js";
import type { ReadTx, Store } from "../../state/store.js";
import { encodeToken } from "../pagination.js";
import { restOperation, type RestOperation } from "../rest-json/service.js";
import { checkName } from "./schedule-input.js";
import { nextTokenAfter } from "../pagination.js";


/** The `default` group always exists (Scheduler makes it with the account); others are made by CreateScheduleGroup. */
export async function groupExists(tx: ReadTx, name: string): Promise<boolean> {
  return name === "default" || (await tx.schedules.group(name)) !== undefined;
}

/** MaxResults of Scheduler's List operations: 1 to 100. */
export function maxResults(n: number | undefined): number {
  const limit = n ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new AwsError("ValidationException", `MaxResults must be from 1 to 100; got ${limit}.`);
  return limit;
}


export function groupOperations({ store }: { readonly store: Store }): Record<string, RestOperation> {
  const view = (g: ScheduleGroupRecord): ScheduleGroupSummary => ({ Arn: g.arn, Name: g.name, State: "ACTIVE", CreationDate: new Date(g.createdAtMs), LastModificationDate: new Date(g.modifiedAtMs) });
  const defaultGroup = (p: Partition): ScheduleGroupRecord => ({ name: "default", arn: scheduleGroupArn(p, "default"), createdAtMs: 0, modifiedAtMs: 0 });

  return {
    CreateScheduleGroup: restOperation<CreateScheduleGroupInput>(CreateScheduleGroup$, async (input, ctx) => {
      const name = checkName("Name", input.Name);
      const arn = scheduleGroupArn(ctx.partition, name);
      await store.write(async (tx) => {
        if (await groupExists(tx, name)) throw new AwsError("ConflictException", `Schedule group ${name} already exists.`);
        await tx.schedules.putGroup({ name, arn, createdAtMs: ctx.nowMs, modifiedAtMs: ctx.nowMs });
      });
      return { ScheduleGroupArn: arn };
    }),

    GetScheduleGroup: restOperation<GetScheduleGroupInput>(GetScheduleGroup$, async (input, ctx) => {
      const name = checkName("Name", input.Name);
      const group = name === "default" ? defaultGroup(ctx.partition) : await store.read((tx) => tx.schedules.group(name));
      if (!group) throw new AwsError("ResourceNotFoundException", `Schedule group ${excerpt(name, 64)} does not exist.`);
      return view(group);
    }),

    DeleteScheduleGroup: restOperation<DeleteScheduleGroupInput>(DeleteScheduleGroup$, async (input) => {
      const name = checkName("Name", input.Name);
      if (name === "default") throw new AwsError("ValidationException", "The default schedule group cannot be deleted.");
      await store.write(async (tx) => {
        if (!(await tx.schedules.group(name))) throw new AwsError("ResourceNotFoundException", `Schedule group ${excerpt(name, 64)} does not exist.`);
        // Its schedules go with it (Scheduler deletes them too).
        await tx.schedules.deleteGroup(name);
      });
      return {};
    }),

    ListScheduleGroups: restOperation<ListScheduleGroupsInput>(ListScheduleGroups$, async (input, ctx) => {
      if (input.NamePrefix !== undefined) checkName("NamePrefix", input.NamePrefix);
      const limit = maxResults(input.MaxResults);
      const after = nextTokenAfter(input.NextToken);
      const prefix = input.NamePrefix ?? "";
      // `default` is listed in its place by name, among the stored groups.
      const stored = await store.read((tx) => tx.schedules.groups({ namePrefix: prefix, after, limit: limit + 1 }));
      const all = [...stored.items, ...("default".startsWith(prefix) && (after === undefined || "default" > after) ? [defaultGroup(ctx.partition)] : [])].sort((a, b) => (a.name < b.name ? -1 : 1));
      const items = all.slice(0, limit);
      return { ScheduleGroups: items.map(view), NextToken: all.length > limit ? encodeToken(items.at(-1)?.name) : undefined };
    }),
  };
}
