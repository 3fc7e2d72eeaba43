import type { Failure, GetTaskProtectionRequest, ProtectedTask, UpdateTaskProtectionRequest } from "@aws-sdk/client-ecs";
import { GetTaskProtectionRequest$, UpdateTaskProtectionRequest$ } from "../../aws-sdk/ecs.js";
import { activeCluster } from "../../domain/lookups.js";
import type { TaskRecord } from "../../domain/task.js";
import { checkExpiresInMinutes, protectionOf, protectionRefusal, withProtection } from "../../domain/task-protection.js";
import { invalidParameter } from "../../errors/catalog.js";
import type { ReadTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcsDeps } from "./deps.js";
import { taskArnIn } from "./refs.js";

const view = (t: TaskRecord, nowMs: number): ProtectedTask => {
  const p = protectionOf(t, nowMs);
  return { taskArn: t.arn, protectionEnabled: p.enabled, ...(p.expiresAtMs === undefined ? {} : { expirationDate: new Date(p.expiresAtMs) }) };
};

/**
 * Task scale-in protection (domain/task-protection.ts) of a cluster's service tasks: one write per
 * call; the service scheduler reads it when it picks tasks to stop.
 */
export function taskProtectionOperations({ store }: EcsDeps): Record<string, Operation> {
  /** The tasks a call names in its cluster, each with the failure ECS would answer for it, if any. */
  const named = async (tx: ReadTx, clusterRef: string | undefined, refs: readonly string[], ctx: { partition: Parameters<typeof taskArnIn>[0] }) => {
    const cluster = await activeCluster(tx, clusterRef);
    const out: { ref: string; task?: TaskRecord | undefined; failure?: Failure | undefined }[] = [];
    for (const ref of refs) {
      const found = await tx.tasks.get(taskArnIn(ctx.partition, ref, cluster.name));
      const task = found?.cluster === cluster.name ? found : undefined;
      const refusal = protectionRefusal(task);
      out.push({ ref, task, failure: refusal && { arn: task?.arn ?? ref, ...refusal } });
    }
    return out;
  };

  return {
    UpdateTaskProtection: operation<UpdateTaskProtectionRequest>(UpdateTaskProtectionRequest$, (input, ctx) => {
      const refs = checkTasks(input.tasks, 10);
      if (typeof input.protectionEnabled !== "boolean") throw invalidParameter("protectionEnabled is required: true or false.");
      const minutes = checkExpiresInMinutes(input.expiresInMinutes);
      const enabled = input.protectionEnabled;
      return store.write(async (tx) => {
        const protectedTasks: ProtectedTask[] = [];
        const failures: Failure[] = [];
        for (const { task, failure } of await named(tx, input.cluster, refs, ctx)) {
          if (failure || !task) {
            if (failure) failures.push(failure);
            continue;
          }
          const next = withProtection(task, enabled, minutes, ctx.nowMs);
          await tx.tasks.put(next);
          protectedTasks.push(view(next, ctx.nowMs));
        }
        return { protectedTasks, failures };
      });
    }),

    GetTaskProtection: operation<GetTaskProtectionRequest>(GetTaskProtectionRequest$, (input, ctx) => {
      const refs = checkTasks(input.tasks, 100);
      return store.read(async (tx) => {
        const protectedTasks: ProtectedTask[] = [];
        const failures: Failure[] = [];
        for (const { task, failure } of await named(tx, input.cluster, refs, ctx)) {
          if (failure) failures.push(failure);
          else if (task) protectedTasks.push(view(task, ctx.nowMs));
        }
        return { protectedTasks, failures };
      });
    }),
  };
}

function checkTasks(tasks: readonly string[] | undefined, max: number): readonly string[] {
  const list = tasks ?? [];
  if (list.length < 1 || list.length > max) throw invalidParameter(`tasks must list from 1 to ${max} task IDs or ARNs; got ${list.length}.`);
  return list;
}
