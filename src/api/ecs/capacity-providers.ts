import type { AutoScalingGroupProvider, CapacityProvider, CreateCapacityProviderRequest, DeleteCapacityProviderRequest, DescribeCapacityProvidersRequest, Failure, ManagedScaling, PutClusterCapacityProvidersRequest, UpdateCapacityProviderRequest } from "@aws-sdk/client-ecs";
import { CreateCapacityProviderRequest$, DeleteCapacityProviderRequest$, DescribeCapacityProvidersRequest$, PutClusterCapacityProvidersRequest$, UpdateCapacityProviderRequest$ } from "../../aws-sdk/ecs.js";
import { capacityProviderArn, type Partition } from "../../domain/arn.js";
import {
  checkProviderName,
  fargateProviders,
  isFargateProvider,
  managedScalingDefaults,
  type CapacityProviderRecord,
} from "../../domain/capacity/capacity-provider.js";
import { providerName } from "../../domain/capacity/strategy.js";
import type { ClusterRecord } from "../../domain/cluster.js";
import { activeCluster } from "../../domain/lookups.js";
import { validateTags } from "../../domain/tags.js";
import { clientException, invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ReadTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import { checkClusterCapacity, checkRemovals, clusterUsing } from "./cluster-capacity.js";
import { toCluster } from "./cluster-view.js";
import type { EcsDeps } from "./deps.js";

/**
 * Capacity providers (see domain/capacity/capacity-provider.ts for what an Auto Scaling group
 * provider means in Berth) and a cluster's providers and default strategy.
 */
export function capacityProviderOperations({ store }: EcsDeps): Record<string, Operation> {
  return {
    CreateCapacityProvider: operation<CreateCapacityProviderRequest>(CreateCapacityProviderRequest$, async (input, ctx) => {
      const name = checkProviderName(input.name ?? "");
      const tags = validateTags(input.tags);
      if (input.managedInstancesProvider !== undefined || input.cluster !== undefined) {
        throw clientException(
          "ECS Managed Instances capacity providers (managedInstancesProvider, cluster) are not available in Berth: they launch EC2 instances in an AWS account. Register your machines with berth agent and use an Auto Scaling group capacity provider or the EC2 launch type.",
        );
      }
      const asg = input.autoScalingGroupProvider;
      if (asg === undefined) throw invalidParameter("autoScalingGroupProvider is required: a capacity provider needs an Auto Scaling group provider.");
      const group = checkGroupRef(asg.autoScalingGroupArn ?? "");
      const record = await store.write(async (tx) => {
        const existing = await tx.capacityProviders.get(name);
        if (existing?.status === "ACTIVE") {
          throw clientException("The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.");
        }
        if (await tx.capacityProviders.byAutoScalingGroup(group)) {
          throw clientException("The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.");
        }
        const created: CapacityProviderRecord = {
          name,
          arn: capacityProviderArn(ctx.partition, name),
          status: "ACTIVE",
          autoScalingGroupProvider: groupProvider({ ...asg, autoScalingGroupArn: group }),
          updateStatus: undefined,
          createdAtMs: ctx.nowMs,
          version: 1,
        };
        await tx.capacityProviders.put(created);
        await tx.tags.put(created.arn, tags);
        return created;
      });
      return { capacityProvider: { ...toCapacityProvider(record), tags } };
    }),

    DescribeCapacityProviders: operation<DescribeCapacityProvidersRequest>(DescribeCapacityProvidersRequest$, (input, ctx) =>
      store.read(async (tx) => {
        if (input.cluster !== undefined) await activeCluster(tx, input.cluster);
        const includeTags = checkInclude(input.include ?? []);
        const refs = input.capacityProviders;
        if (refs !== undefined && refs.length > 100) throw invalidParameter(`DescribeCapacityProviders takes at most 100 capacity providers; got ${refs.length}.`);
        const shown = async (p: CapacityProvider) => (includeTags ? { ...p, tags: await tx.tags.list(p.capacityProviderArn ?? "") } : p);
        if (refs !== undefined && refs.length > 0) {
          const capacityProviders: CapacityProvider[] = [];
          const failures: Failure[] = [];
          for (const ref of refs) {
            const found = await describeOne(tx, ctx.partition, providerName(ref));
            if (found) capacityProviders.push(await shown(found));
            else failures.push({ arn: capacityProviderArn(ctx.partition, providerName(ref)), reason: "MISSING" });
          }
          return { capacityProviders, failures };
        }
        // Every ACTIVE provider: Fargate's two first, as ECS lists them, then the account's by name.
        const { limit, after } = pageRequest(input, { defaultLimit: 10, maxLimit: 10 });
        const all = [...fargateProviders.map((n) => builtIn(ctx.partition, n)), ...(await activeProviders(tx)).map(toCapacityProvider)];
        const start = after === undefined ? 0 : all.findIndex((p) => p.name === after) + 1;
        const page = all.slice(start, start + limit);
        const more = start + limit < all.length;
        return {
          capacityProviders: await Promise.all(page.map(shown)),
          failures: [],
          nextToken: more ? encodeToken(page.at(-1)?.name) : undefined,
        };
      }),
    ),

    UpdateCapacityProvider: operation<UpdateCapacityProviderRequest>(UpdateCapacityProviderRequest$, async (input) => {
      const name = providerName(input.name ?? "");
      if (input.managedInstancesProvider !== undefined || input.cluster !== undefined) {
        throw clientException("ECS Managed Instances capacity providers (managedInstancesProvider, cluster) are not available in Berth.");
      }
      const record = await store.write(async (tx) => {
        const current = await ownProvider(tx, name);
        const update = input.autoScalingGroupProvider ?? {};
        const updated: CapacityProviderRecord = {
          ...current,
          autoScalingGroupProvider: groupProvider({
            ...current.autoScalingGroupProvider,
            managedScaling: { ...current.autoScalingGroupProvider.managedScaling, ...update.managedScaling },
            managedTerminationProtection: update.managedTerminationProtection ?? current.autoScalingGroupProvider.managedTerminationProtection,
            managedDraining: update.managedDraining ?? current.autoScalingGroupProvider.managedDraining,
          }),
          updateStatus: "UPDATE_COMPLETE",
          updateStatusReason: undefined,
          version: current.version + 1,
        };
        await tx.capacityProviders.put(updated);
        return updated;
      });
      return { capacityProvider: toCapacityProvider(record) };
    }),

    DeleteCapacityProvider: operation<DeleteCapacityProviderRequest>(DeleteCapacityProviderRequest$, async (input) => {
      const name = providerName(input.capacityProvider ?? "");
      const record = await store.write(async (tx) => {
        const current = await ownProvider(tx, name);
        const cluster = await clusterUsing(tx, name);
        // As ECS answers: the call succeeds, the provider stays ACTIVE and says why it was not deleted.
        const next: CapacityProviderRecord =
          cluster === undefined
            ? { ...current, status: "INACTIVE", updateStatus: "DELETE_COMPLETE", updateStatusReason: undefined, version: current.version + 1 }
            : {
                ...current,
                updateStatus: "DELETE_FAILED",
                updateStatusReason: `The capacity provider cannot be deleted because it is associated with cluster: ${cluster}. Remove the capacity provider from the cluster and try again.`,
                version: current.version + 1,
              };
        await tx.capacityProviders.put(next);
        return next;
      });
      return { capacityProvider: toCapacityProvider(record) };
    }),

    PutClusterCapacityProviders: operation<PutClusterCapacityProvidersRequest>(PutClusterCapacityProvidersRequest$, async (input) => {
      const cluster = await store.write(async (tx) => {
        const record = await activeCluster(tx, input.cluster);
        const capacity = await checkClusterCapacity(tx, record.name, input.capacityProviders ?? [], input.defaultCapacityProviderStrategy ?? []);
        await checkRemovals(tx, record, capacity.capacityProviders);
        const updated: ClusterRecord = { ...record, ...capacity, version: record.version + 1 };
        await tx.clusters.put(updated);
        return updated;
      });
      return { cluster: await store.read((tx) => toCluster(tx, cluster, new Set())) };
    }),
  };
}

/** An Auto Scaling group's ARN or name, as ECS takes it (1 to 1,600 characters, an `arn:…:autoscaling:` ARN if an ARN). */
function checkGroupRef(ref: string): string {
  const isArn = ref.startsWith("arn:");
  if (ref.length < 1 || ref.length > 1600 || (isArn && !/^arn:aws[a-z-]*:autoscaling:[^:]*:\d{12}:autoScalingGroup:[^:]*:autoScalingGroupName\/.+$/.test(ref))) {
    throw clientException(`autoScalingGroupArn must be an Auto Scaling group's ARN (arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<id>:autoScalingGroupName/<name>) or name; got '${excerpt(ref)}'.`);
  }
  return ref;
}

/** The provider with ECS's defaults filled in, checked as ECS checks managed termination protection. */
function groupProvider(given: AutoScalingGroupProvider): AutoScalingGroupProvider {
  const managedScaling: ManagedScaling = { ...managedScalingDefaults, ...given.managedScaling };
  const protection = given.managedTerminationProtection ?? "DISABLED";
  if (protection === "ENABLED" && managedScaling.status !== "ENABLED") {
    throw clientException(
      "The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the capacity provider must have managed scaling enabled.",
    );
  }
  return {
    autoScalingGroupArn: given.autoScalingGroupArn,
    managedScaling,
    managedTerminationProtection: protection,
    managedDraining: given.managedDraining ?? "ENABLED",
  };
}

async function ownProvider(tx: ReadTx, name: string): Promise<CapacityProviderRecord> {
  if (isFargateProvider(name)) throw clientException(`The ${name} capacity provider is built into every account and cannot be changed or deleted.`);
  const record = await tx.capacityProviders.get(name);
  if (!record || record.status !== "ACTIVE") throw clientException("The specified capacity provider does not exist. Specify a valid name or ARN and try again.");
  return record;
}

async function describeOne(tx: ReadTx, p: Partition, name: string): Promise<CapacityProvider | undefined> {
  if (isFargateProvider(name)) return builtIn(p, name);
  const record = await tx.capacityProviders.get(name);
  return record && toCapacityProvider(record);
}

async function activeProviders(tx: ReadTx): Promise<CapacityProviderRecord[]> {
  const all: CapacityProviderRecord[] = [];
  let after: string | undefined;
  do {
    const page = await tx.capacityProviders.list({ limit: 500, after });
    all.push(...page.items.filter((r) => r.status === "ACTIVE"));
    after = page.nextAfter;
  } while (after);
  return all;
}

function checkInclude(include: readonly string[]): boolean {
  for (const f of include) if (f !== "TAGS") throw invalidParameter(`include must contain only TAGS; got '${excerpt(f)}'.`);
  return include.length > 0;
}

const builtIn = (p: Partition, name: string): CapacityProvider => ({
  capacityProviderArn: capacityProviderArn(p, name),
  name,
  status: "ACTIVE",
  type: name === "FARGATE" ? "FARGATE" : "FARGATE_SPOT",
});

function toCapacityProvider(r: CapacityProviderRecord): CapacityProvider {
  return {
    capacityProviderArn: r.arn,
    name: r.name,
    status: r.status,
    autoScalingGroupProvider: r.autoScalingGroupProvider,
    updateStatus: r.updateStatus,
    updateStatusReason: r.updateStatusReason,
    type: "EC2_AUTOSCALING",
  };
}
