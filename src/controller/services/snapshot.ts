import { parseTaskDefinitionRef } from "../../domain/arn.js";
import { fargatePoolCluster } from "../../domain/fargate/pool.js";
import type { ServiceRecord } from "../../domain/service.js";
import type { TaskRecord } from "../../domain/task.js";
import type { ReadTx, TaskDefinitionRecord } from "../../state/store.js";
import type { DaemonFilters } from "./daemon-filter.js";
import type { InstanceFactsCache, InstanceRow } from "./instance-facts.js";
import type { AlarmFacts, InstanceFacts } from "./types.js";
import { pinnable } from "./image-pins.js";
import type { OwnRegistry } from "../../registry/own-registry.js";
import { revisionOf } from "../../domain/service-deployment.js";
import type { ContainerImage } from "@aws-sdk/client-ecs";
import { zoneAttribute } from "../../scheduler/types.js";

/** What one reconcile reads, from one committed state. */
export interface ServiceSnapshot {
  readonly service: ServiceRecord;
  readonly tasks: readonly TaskRecord[];
  readonly instances: readonly InstanceFacts[];
  /** The task definitions of the service's deployments, by ARN. */
  readonly taskDefinitions: ReadonlyMap<string, TaskDefinitionRecord>;
  /** Its deployment alarms that exist, when it has them enabled. */
  readonly alarms: ReadonlyMap<string, AlarmFacts>;
  /** Version consistency for images in Berth's own registry (types.ts ReconcileInput). */
  readonly registryPins: ReadonlyMap<string, readonly ContainerImage[]>;
  readonly ownImages: ReadonlySet<string>;
}


/** Where a snapshot's instance facts come from: kept in memory from the change log, not read per reconcile. */
export interface SnapshotSources {
  readonly instances: InstanceFactsCache;
  readonly daemonFilters: DaemonFilters;
  readonly registry?: OwnRegistry | undefined;
}

export async function loadSnapshot(tx: ReadTx, cluster: string, name: string, sources: SnapshotSources): Promise<ServiceSnapshot | undefined> {
  const service = await tx.services.get(cluster, name);
  if (!service) return undefined;
  const taskDefinitions = new Map<string, TaskDefinitionRecord>();
  for (const arn of [...service.deployments, ...(service.taskSets ?? [])].map((d) => d.taskDefinitionArn)) {
    const ref = parseTaskDefinitionRef(arn);
    const td = ref?.revision === undefined ? undefined : await tx.taskDefinitions.get(ref.family, ref.revision);
    if (td) taskDefinitions.set(arn, td);
  }
  const rows = await sources.instances.of(tx, cluster);
  const tasks = await tx.tasks.ofService(cluster, name);
  const primaryTd = taskDefinitions.get(service.taskDefinitionArn);
  const eligible = service.schedulingStrategy === "DAEMON" ? sources.daemonFilters.of(service, primaryTd) : () => true;
  const factsOf = (i: InstanceRow): InstanceFacts => ({
    arn: i.arn,
    status: i.status,
    agentConnected: i.agentConnected,
    agentDisconnectedAtMs: i.agentDisconnectedAtMs,
    daemonEligible: i.cluster === cluster && eligible(i),
    zone: i.attributes.get(zoneAttribute) ?? undefined,
  });
  const instances: InstanceFacts[] = [];
  for (const i of rows.values()) instances.push(factsOf(i));
  // A FARGATE task runs on the managed pool, not on the cluster's instances: its host is read too,
  // or the service would take it for a task on a gone instance (domain/fargate/).
  const fargateHosts = new Set(tasks.filter((t) => t.launchType === "FARGATE" && !rows.has(t.containerInstanceArn)).map((t) => t.containerInstanceArn));
  if (fargateHosts.size > 0) {
    const pool = await sources.instances.of(tx, fargatePoolCluster);
    for (const arn of fargateHosts) {
      const host = pool.get(arn);
      if (host) instances.push(factsOf(host));
    }
  }
  return { service, tasks, instances, taskDefinitions, alarms: await deploymentAlarmsOf(tx, service), ...(await ownRegistryPins(service, taskDefinitions, sources.registry)) };
}

/**
 * The images of the service's deployments in Berth's own registry, and for each deployment the
 * manifests its revision has yet to pin, as the registry names them now (image-pins.ts). Once a
 * revision has pinned its images, nothing more is read.
 */
async function ownRegistryPins(
  service: ServiceRecord,
  taskDefinitions: ReadonlyMap<string, TaskDefinitionRecord>,
  registry: OwnRegistry | undefined,
): Promise<Pick<ServiceSnapshot, "registryPins" | "ownImages">> {
  const registryPins = new Map<string, ContainerImage[]>();
  const ownImages = new Set<string>();
  for (const d of registry === undefined ? [] : service.deployments) {
    const revision = revisionOf(service, d.id);
    for (const c of taskDefinitions.get(d.taskDefinitionArn)?.body.containerDefinitions ?? []) {
      if (!pinnable(c) || !registry!.has(c.image!)) continue;
      ownImages.add(c.image!);
      if (revision?.containerImages?.some((p) => p.containerName === c.name) === true) continue;
      const imageDigest = await registry!.digest(c.image!);
      if (imageDigest !== undefined) registryPins.set(d.id, [...(registryPins.get(d.id) ?? []), { containerName: c.name, image: c.image, imageDigest }]);
    }
  }
  return { registryPins, ownImages };
}

async function deploymentAlarmsOf(tx: ReadTx, service: ServiceRecord): Promise<ReadonlyMap<string, AlarmFacts>> {
  const alarms = new Map<string, AlarmFacts>();
  const config = service.deploymentConfiguration.alarms;
  if (config?.enable !== true) return alarms;
  for (const name of config.alarmNames) {
    const a = await tx.alarms.get(name);
    if (a) alarms.set(name, { state: a.state, windowMs: a.periodSeconds * a.evaluationPeriods * 1000 });
  }
  return alarms;
}
