import type { Attribute, ContainerInstance, DeregisterContainerInstanceRequest, DescribeContainerInstancesRequest, Failure, ListContainerInstancesRequest, RegisterContainerInstanceRequest, Resource, UpdateContainerInstancesStateRequest } from "@aws-sdk/client-ecs";
import { DeregisterContainerInstanceRequest$, DescribeContainerInstancesRequest$, ListContainerInstancesRequest$, RegisterContainerInstanceRequest$, UpdateContainerInstancesStateRequest$ } from "../../aws-sdk/ecs.js";
import { clusterName, containerInstanceArn } from "../../domain/arn.js";
import { fargatePoolCluster } from "../../domain/fargate/pool.js";
import {
  remainingResources,
  type ContainerInstanceRecord,
  type ContainerInstanceStatus,
  type InstanceResources,
} from "../../domain/container-instance.js";
import { newId } from "../../domain/ids.js";
import { instanceTypeResources, registeredResourcesOf } from "../../domain/instance-types.js";
import { markLost } from "../../domain/task.js";
import { validateTags } from "../../domain/tags.js";
import { clientException, invalidParameter } from "../../errors/catalog.js";
import type { ReadTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import { activeCluster } from "../../domain/lookups.js";
import type { EcsDeps } from "./deps.js";
import { instanceSnapshots } from "../../planner/snapshots.js";
import { parseFilter } from "../../domain/placement-shapes.js";
import { matchesFilter } from "./instance-filter.js";
import { instanceArnIn } from "./refs.js";

/** ECS's stoppedReason for the tasks of an instance deregistered with `force`. */
const forcedDeregistration = "Container instance deregistration forced by user";
import { excerpt } from "../../observability/excerpt.js";

export function containerInstanceOperations({ store }: EcsDeps): Record<string, Operation> {
  return {
    RegisterContainerInstance: operation<RegisterContainerInstanceRequest>(RegisterContainerInstanceRequest$, async (input, ctx) => {
      const identity = identityDocument(input.instanceIdentityDocument);
      const registered = resourcesFrom(input.totalResources ?? [], identity.instanceType);
      const tags = validateTags(input.tags ?? []);
      const record = await store.write(async (tx) => {
        // A managed-capacity agent registers into the Fargate pool, which is no cluster (domain/fargate/pool.ts).
        const cluster = clusterName(input.cluster) === fargatePoolCluster ? { name: fargatePoolCluster } : await activeCluster(tx, input.cluster);
        // Re-registration (an agent restarting) keeps the instance's identity and its custom attributes.
        const previous = input.containerInstanceArn ? await tx.containerInstances.get(input.containerInstanceArn) : undefined;
        if (input.containerInstanceArn && (!previous || previous.cluster !== cluster.name || previous.status === "INACTIVE")) {
          throw clientException(`Container instance ${excerpt(input.containerInstanceArn, 255)} is not registered in cluster ${cluster.name}: register without containerInstanceArn.`);
        }
        const id = previous?.id ?? newId();
        const next: ContainerInstanceRecord = {
          arn: containerInstanceArn(ctx.partition, cluster.name, id),
          id,
          cluster: cluster.name,
          ec2InstanceId: identity.instanceId ?? previous?.ec2InstanceId ?? `i-${id.slice(0, 17)}`,
          status: previous?.status ?? "ACTIVE",
          registered,
          attributes: mergeAttributes(previous?.attributes ?? [], input.attributes ?? []),
          versionInfo: input.versionInfo ?? {},
          tags: previous?.tags ?? tags,
          registeredAtMs: previous?.registeredAtMs ?? ctx.nowMs,
          agentConnected: previous?.agentConnected ?? false,
          // Re-registering keeps the time the agent went away (the lost-host grace runs from then);
          // a new instance has had no agent since it registered.
          agentDisconnectedAtMs: previous?.agentDisconnectedAtMs ?? ctx.nowMs,
          version: (previous?.version ?? 0) + 1,
        };
        await tx.containerInstances.put(next);
        return next;
      });
      return { containerInstance: await store.read((tx) => toContainerInstance(tx, record)) };
    }),

    DeregisterContainerInstance: operation<DeregisterContainerInstanceRequest>(DeregisterContainerInstanceRequest$, async (input, ctx) => {
      const record = await store.write(async (tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        const current = await instanceOrThrow(tx, instanceArnIn(ctx.partition, input.containerInstance ?? "", cluster.name));
        const holding = await tx.tasks.holdingResources(current.arn);
        if (holding.length > 0 && !input.force) {
          throw invalidParameter(
            `Container instance ${current.id} still has ${holding.length} task(s) that are not stopped: stop them first or deregister with force.`,
          );
        }
        const inactive: ContainerInstanceRecord = { ...current, status: "INACTIVE", version: current.version + 1 };
        await tx.containerInstances.put(inactive);
        // Its agent's credential dies with the registration: the agent must register again to act.
        await tx.agentCredentials.revokeInstance(current.arn);
        // Its tasks are orphaned (ECS: "no longer monitored or accounted for"), since no agent can report
        // them now: standalone ones are recorded STOPPED with ECS's reason, and service tasks are
        // replaced by their services. Their containers run on until the host stops them.
        const orphaned = holding.filter((t) => t.serviceName === undefined).map((t) => markLost(t, { reason: forcedDeregistration, nowMs: ctx.nowMs, code: "UserInitiated" }));
        for (const t of orphaned) await tx.tasks.put(t);
        return inactive;
      });
      return { containerInstance: await store.read((tx) => toContainerInstance(tx, record)) };
    }),

    DescribeContainerInstances: operation<DescribeContainerInstancesRequest>(DescribeContainerInstancesRequest$, (input, ctx) =>
      store.read(async (tx) => {
        const refs = input.containerInstances ?? [];
        if (refs.length > 100) throw invalidParameter(`DescribeContainerInstances takes at most 100 instances; got ${refs.length}.`);
        const cluster = await activeCluster(tx, input.cluster);
        if (refs.length === 0) throw invalidParameter("Container Instances cannot be empty.");
        const containerInstances: ContainerInstance[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const record = await tx.containerInstances.get(instanceArnIn(ctx.partition, ref, cluster.name));
          if (record && record.cluster === cluster.name) {
            const shown = await toContainerInstance(tx, record);
            // ECS returns an instance's tags only when asked for them.
            if (!(input.include ?? []).includes("TAGS")) delete shown.tags;
            containerInstances.push(shown);
          }
          else failures.push({ arn: ref, reason: "MISSING" });
        }
        return { containerInstances, failures };
      }),
    ),

    ListContainerInstances: operation<ListContainerInstancesRequest>(ListContainerInstancesRequest$, (input) =>
      store.read(async (tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        // Without a status, ECS lists every instance that is not INACTIVE (deregistered).
        const status = input.status === undefined ? "REGISTERED" : instanceStatus(input.status);
        const request = pageRequest(input);
        if (input.filter === undefined) {
          const page = await tx.containerInstances.list(cluster.name, { ...request, status });
          return { containerInstanceArns: page.items.map((i) => i.arn), nextToken: encodeToken(page.nextAfter) };
        }
        // A filter is evaluated over the cluster's instances as the placement engine sees them.
        const filter = parseFilter(input.filter);
        const matching = (await instanceSnapshots(tx, cluster.name))
          .filter((s) => (status === "REGISTERED" ? s.status !== "INACTIVE" : s.status === status) && matchesFilter(filter, s))
          .map((s) => s.arn)
          .filter((arn) => request.after === undefined || arn > request.after);
        const items = matching.slice(0, request.limit);
        return { containerInstanceArns: items, nextToken: matching.length > request.limit ? encodeToken(items[items.length - 1]) : undefined };
      }),
    ),

    UpdateContainerInstancesState: operation<UpdateContainerInstancesStateRequest>(UpdateContainerInstancesStateRequest$, async (input, ctx) => {
      const status = instanceStatus(input.status ?? "");
      if (status === "INACTIVE") throw invalidParameter("status must be ACTIVE or DRAINING; deregister an instance to retire it.");
      const updated = await store.write(async (tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        const records: ContainerInstanceRecord[] = [];
        const failures: Failure[] = [];
        for (const ref of input.containerInstances ?? []) {
          const current = await tx.containerInstances.get(instanceArnIn(ctx.partition, ref, cluster.name));
          if (!current || current.cluster !== cluster.name) {
            failures.push({ arn: ref, reason: "MISSING" });
          } else if (current.status === "INACTIVE") {
            failures.push({ arn: ref, reason: "INACTIVE" });
          } else {
            // An instance already in that status is not saved again: a save must bring a new version.
            const next = current.status === status ? current : { ...current, status, version: current.version + 1 };
            if (next !== current) await tx.containerInstances.put(next);
            records.push(next);
          }
        }
        return { records, failures };
      });
      return store.read(async (tx) => ({
        containerInstances: await Promise.all(updated.records.map((r) => toContainerInstance(tx, r))),
        failures: updated.failures,
      }));
    }),
  };
}

export async function instanceOrThrow(tx: ReadTx, arn: string): Promise<ContainerInstanceRecord> {
  const record = await tx.containerInstances.get(arn);
  if (!record) throw invalidParameter(`Container instance ${excerpt(arn, 255)} does not exist in this cluster.`);
  return record;
}

function instanceStatus(s: string): ContainerInstanceStatus {
  if (s === "ACTIVE" || s === "DRAINING" || s === "INACTIVE") return s;
  throw invalidParameter(`status must be one of ACTIVE, DRAINING, INACTIVE; got '${excerpt(s)}'.`);
}

/**
 * The ECS agent registers CPU and MEMORY as integers and PORTS / PORTS_UDP as string sets. The API
 * makes `totalResources` optional: CPU and MEMORY it does not give are those of the instance type
 * the identity document names, as an ECS agent on that type would register them.
 */
function resourcesFrom(resources: readonly Resource[], instanceType: string | undefined): InstanceResources {
  const find = (name: string) => resources.find((r) => r.name === name);
  const ofType = derivedResources(instanceType, ["CPU", "MEMORY"].filter((name) => find(name) === undefined));
  const integer = (name: "CPU" | "MEMORY"): number => {
    const given = find(name);
    if (given === undefined && ofType) return name === "CPU" ? ofType.cpu : ofType.memory;
    const v = given?.integerValue;
    if (v === undefined || !Number.isInteger(v) || v < 0) {
      throw clientException(`totalResources must include ${name} as a non-negative INTEGER.`);
    }
    return v;
  };
  const ports = (name: string): number[] =>
    (find(name)?.stringSetValue ?? []).map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw clientException(`${name} holds '${excerpt(p)}', which is not a port number.`);
      return n;
    });
  return { cpu: integer("CPU"), memory: integer("MEMORY"), reservedTcp: ports("PORTS"), reservedUdp: ports("PORTS_UDP") };
}

/** CPU and MEMORY of the instance type, when some are missing from `totalResources`. */
function derivedResources(instanceType: string | undefined, missing: readonly string[]): { cpu: number; memory: number } | undefined {
  if (missing.length === 0) return undefined;
  if (instanceType === undefined) {
    throw clientException(`totalResources must include ${missing.join(" and ")}, or instanceIdentityDocument must name the instanceType to derive them from.`);
  }
  const type = instanceTypeResources(instanceType);
  if (!type) {
    throw clientException(
      `Berth does not know the resources of instance type '${excerpt(instanceType, 64)}': give ${missing.join(" and ")} in totalResources.`,
    );
  }
  return registeredResourcesOf(type);
}

/** What Berth reads of an EC2 instance identity document: the instance's id and type. */
function identityDocument(document: string | undefined): { instanceId?: string; instanceType?: string } {
  if (!document) return {};
  try {
    const parsed: unknown = JSON.parse(document);
    if (typeof parsed !== "object" || parsed === null) return {};
    const text = (key: string): string | undefined => {
      const v: unknown = Object.hasOwn(parsed, key) ? Reflect.get(parsed, key) : undefined;
      return typeof v === "string" && v !== "" ? v : undefined;
    };
    const instanceId = text("instanceId");
    const instanceType = text("instanceType");
    return { ...(instanceId !== undefined && { instanceId }), ...(instanceType !== undefined && { instanceType }) };
  } catch {
    // Not JSON: no identity to take from it.
    return {};
  }
}

/** Attributes by name: the agent's newest values win over what was recorded. */
export function mergeAttributes(current: readonly Attribute[], incoming: readonly Attribute[]): Attribute[] {
  const byName = new Map(current.map((a) => [a.name, a]));
  for (const a of incoming) byName.set(a.name, { name: a.name, value: a.value });
  return [...byName.values()];
}

const resource = (name: string, value: number | readonly number[]): Resource =>
  typeof value === "number"
    ? { name, type: "INTEGER", integerValue: value, doubleValue: 0, longValue: 0 }
    : { name, type: "STRINGSET", stringSetValue: [...value].sort((a, b) => a - b).map(String), doubleValue: 0, longValue: 0, integerValue: 0 };

/** The ECS shape, with remaining resources and task counts derived from the tasks holding resources there. */
export async function toContainerInstance(tx: ReadTx, r: ContainerInstanceRecord): Promise<ContainerInstance> {
  const holding = await tx.tasks.holdingResources(r.arn);
  const left = remainingResources(r.registered, holding.map((t) => t.reservation));
  return {
    containerInstanceArn: r.arn,
    ec2InstanceId: r.ec2InstanceId,
    version: r.version,
    versionInfo: r.versionInfo,
    status: r.status,
    statusReason: r.statusReason,
    agentConnected: r.agentConnected,
    registeredAt: new Date(r.registeredAtMs),
    registeredResources: [
      resource("CPU", r.registered.cpu),
      resource("MEMORY", r.registered.memory),
      resource("PORTS", r.registered.reservedTcp),
      resource("PORTS_UDP", r.registered.reservedUdp),
    ],
    remainingResources: [
      resource("CPU", left.cpu),
      resource("MEMORY", left.memory),
      resource("PORTS", [...left.usedTcp]),
      resource("PORTS_UDP", [...left.usedUdp]),
    ],
    runningTasksCount: holding.filter((t) => t.lastStatus === "RUNNING").length,
    pendingTasksCount: holding.filter((t) => t.lastStatus === "PROVISIONING" || t.lastStatus === "PENDING").length,
    attributes: [...r.attributes],
    tags: [...r.tags],
    attachments: [],
    agentUpdateStatus: undefined,
  };
}
