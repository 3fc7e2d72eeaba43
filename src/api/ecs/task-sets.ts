import type { CreateTaskSetRequest, DeleteTaskSetRequest, DescribeTaskSetsRequest, Failure, TaskSet, UpdateServicePrimaryTaskSetRequest, UpdateTaskSetRequest } from "@aws-sdk/client-ecs";
import { CreateTaskSetRequest$, DeleteTaskSetRequest$, DescribeTaskSetsRequest$, UpdateServicePrimaryTaskSetRequest$, UpdateTaskSetRequest$ } from "../../aws-sdk/ecs.js";
import { taskSetArn, taskSetId } from "../../domain/arn.js";
import { isFargateCapacity, launchCapacity } from "../../domain/capacity/launch-capacity.js";
import { checkLaunchCompatibility, fargatePlatform } from "../../domain/fargate/fargate-launch.js";
import { activeCluster, findTaskDefinition } from "../../domain/lookups.js";
import { checkPlatformVersion } from "../../domain/platform-version.js";
import { newDeploymentId, type ServiceRecord } from "../../domain/service.js";
import { validateTags } from "../../domain/tags.js";
import { checkScale, computedDesiredCount, withPrimary, type TaskSetRecord } from "../../domain/task-set.js";
import { AwsError, clientException, invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ReadTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcsDeps } from "./deps.js";
import { checkServiceLoadBalancers } from "./service-load-balancers.js";
import { serviceNetwork } from "./service-network.js";
import { toTaskSet } from "./task-set-view.js";

/**
 * Task sets of services with the EXTERNAL deployment controller (domain/task-set.ts). Each call is
 * one conditional save of the service record; the service scheduler (controller/services/task-sets.ts)
 * starts and stops the sets' tasks through the planner.
 */
export function taskSetOperations({ store, random }: EcsDeps): Record<string, Operation> {
  /** Saves the service with its task sets changed by `change`; answers the task set `pick` names. */
  const update = async (
    ref: { cluster?: string | undefined; service?: string | undefined },
    change: (s: ServiceRecord, sets: readonly TaskSetRecord[], tx: ReadTx) => Promise<{ sets: TaskSetRecord[]; id: string; service?: Partial<ServiceRecord> }>,
  ): Promise<{ taskSet: TaskSet }> => {
    const { service, id } = await store.write(async (tx) => {
      const current = await externalService(tx, ref.cluster, ref.service);
      const changed = await change(current, current.taskSets ?? [], tx);
      const next: ServiceRecord = { ...current, ...changed.service, taskSets: changed.sets, version: current.version + 1 };
      await tx.services.put(next);
      return { service: next, id: changed.id };
    });
    const set = (service.taskSets ?? []).find((t) => t.id === id);
    if (!set) throw new Error(`task set ${id} vanished from its own write`);
    return { taskSet: toTaskSet(service, set, true) };
  };

  return {
    CreateTaskSet: operation<CreateTaskSetRequest>(CreateTaskSetRequest$, (input, ctx) => {
      const tags = validateTags(input.tags);
      const scalePercent = checkScale(input.scale);
      checkPlatformVersion(input.platformVersion);
      if ((input.serviceRegistries ?? []).length > 0) throw invalidParameter("serviceRegistries are not available in Berth yet.");
      if ((input.loadBalancers ?? []).some((lb) => lb.advancedConfiguration !== undefined)) {
        throw invalidParameter("A task set's load balancers take no advancedConfiguration: an EXTERNAL deployment controller shifts traffic between its task sets' target groups itself.");
      }
      if (input.externalId !== undefined && input.externalId.length > 255) throw invalidParameter("externalId can be at most 255 characters.");
      return update(input, async (service, sets, tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        const capacity = launchCapacity(cluster, input);
        const fargate = isFargateCapacity(capacity);
        if (fargate) fargatePlatform(input.platformVersion);
        const td = await findTaskDefinition(tx, input.taskDefinition ?? "");
        if (!td) throw clientException(`Unable to find task definition '${excerpt(input.taskDefinition, 255)}'.`);
        if (td.status !== "ACTIVE") throw clientException(`TaskDefinition ${td.family}:${td.revision} is ${td.status}: register a new revision or use an ACTIVE one.`);
        checkLaunchCompatibility(td, fargate);
        const loadBalancers = await checkServiceLoadBalancers(tx, input.loadBalancers ?? [], td, false);
        const network = await serviceNetwork(tx, td, input.networkConfiguration ?? service.networkConfiguration);
        const id = newDeploymentId(random);
        const created: TaskSetRecord = {
          id,
          arn: taskSetArn(ctx.partition, service.cluster, service.name, id),
          status: "ACTIVE",
          taskDefinitionArn: td.body.taskDefinitionArn ?? "",
          externalId: input.externalId,
          scalePercent,
          ...(loadBalancers.length > 0 && { loadBalancers }),
          ...network,
          ...(capacity.kind === "strategy"
            ? { capacityProviderStrategy: capacity.strategy.map((i) => ({ capacityProvider: i.provider, weight: i.weight, base: i.base })) }
            : { launchType: capacity.launchType }),
          tags,
          runningCount: 0,
          pendingCount: 0,
          stabilityStatus: "STABILIZING",
          stabilityStatusAtMs: ctx.nowMs,
          createdAtMs: ctx.nowMs,
          updatedAtMs: ctx.nowMs,
        };
        return { sets: [...sets, created], id };
      });
    }),

    DescribeTaskSets: operation<DescribeTaskSetsRequest>(DescribeTaskSetsRequest$, (input) =>
      store.read(async (tx) => {
        const service = await externalService(tx, input.cluster, input.service);
        const includeTags = (input.include ?? []).includes("TAGS");
        const live = (service.taskSets ?? []).filter((t) => t.status !== "DRAINING" || (input.taskSets ?? []).length > 0);
        if (input.taskSets === undefined || input.taskSets.length === 0) return { taskSets: live.map((t) => toTaskSet(service, t, includeTags)), failures: [] };
        const taskSets: TaskSet[] = [];
        const failures: Failure[] = [];
        for (const ref of input.taskSets) {
          const found = live.find((t) => t.id === taskSetId(ref));
          if (found) taskSets.push(toTaskSet(service, found, includeTags));
          else failures.push({ arn: ref, reason: "MISSING" });
        }
        return { taskSets, failures };
      }),
    ),

    UpdateTaskSet: operation<UpdateTaskSetRequest>(UpdateTaskSetRequest$, (input, ctx) => {
      const scalePercent = checkScale(input.scale ?? {});
      return update(input, (_service, sets) => {
        const id = liveSet(sets, input.taskSet).id;
        return Promise.resolve({ sets: sets.map((t) => (t.id === id ? { ...t, scalePercent, stabilityStatus: "STABILIZING", stabilityStatusAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs } : t)), id });
      });
    }),

    UpdateServicePrimaryTaskSet: operation<UpdateServicePrimaryTaskSetRequest>(UpdateServicePrimaryTaskSetRequest$, (input, ctx) =>
      update(input, (_service, sets) => {
        const primary = liveSet(sets, input.primaryTaskSet);
        // The service shows its PRIMARY task set's task definition, as ECS does.
        return Promise.resolve({ sets: withPrimary(sets, primary.id, ctx.nowMs), id: primary.id, service: { taskDefinitionArn: primary.taskDefinitionArn } });
      }),
    ),

    DeleteTaskSet: operation<DeleteTaskSetRequest>(DeleteTaskSetRequest$, (input, ctx) =>
      update(input, (service, sets) => {
        const set = liveSet(sets, input.taskSet);
        if (input.force !== true && computedDesiredCount(service.desiredCount, set) > 0) {
          throw invalidParameter("The task set cannot be deleted while it is scaled above 0: scale it to 0 with UpdateTaskSet first, or delete it with force.");
        }
        return Promise.resolve({ sets: sets.map((t) => (t.id === set.id ? { ...t, status: "DRAINING", updatedAtMs: ctx.nowMs } : t)), id: set.id });
      }),
    ),
  };
}

/** The ACTIVE service a task-set call names, which must use the EXTERNAL deployment controller. */
async function externalService(tx: ReadTx, clusterRef: string | undefined, ref: string | undefined): Promise<ServiceRecord> {
  const cluster = await activeCluster(tx, clusterRef);
  const name = (ref ?? "").split("/").at(-1) ?? "";
  const service = await tx.services.get(cluster.name, name);
  if (!service || service.status === "INACTIVE") throw new AwsError("ServiceNotFoundException", "Service not found.");
  if (service.status !== "ACTIVE") throw new AwsError("ServiceNotActiveException", "Service was not ACTIVE.");
  if (service.deploymentController !== "EXTERNAL") {
    throw invalidParameter("Amazon ECS only supports task set management on services configured to use external deployment controllers.");
  }
  return service;
}

function liveSet(sets: readonly TaskSetRecord[], ref: string | undefined): TaskSetRecord {
  const found = sets.find((t) => t.id === taskSetId(ref ?? "") && t.status !== "DRAINING");
  if (!found) throw new AwsError("TaskSetNotFoundException", `The specified task set ${excerpt(ref, 255)} does not exist.`);
  return found;
}
