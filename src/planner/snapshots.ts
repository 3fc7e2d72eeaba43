import { remainingResources, type ContainerInstanceRecord, type Reservation } from "../domain/container-instance.js";
import type { TaskRecord } from "../domain/task.js";
import type { InstanceSnapshot } from "../scheduler/types.js";
import type { ReadTx } from "../state/store.js";

/** What a task holds on its instance, as a snapshot counts it. */
export interface HeldTask {
  readonly group: string;
  readonly reservation: Reservation;
  readonly desiredRunning: boolean;
}

export const heldTask = (t: TaskRecord): HeldTask => ({ group: t.group, reservation: t.reservation, desiredRunning: t.spec.desiredStatus === "RUNNING" });

/** Every instance of a cluster that is not INACTIVE (or just the one named), as the engine sees it. */
export async function instanceSnapshots(tx: ReadTx, cluster: string, only?: string): Promise<InstanceSnapshot[]> {
  return (await instancesWithTasks(tx, cluster, only)).map(({ instance, holding }) => snapshotOf(instance, holding.map(heldTask)));
}

/** The same, with the tasks that hold resources on each instance. */
export async function instancesWithTasks(tx: ReadTx, cluster: string, only?: string): Promise<{ instance: ContainerInstanceRecord; holding: TaskRecord[] }[]> {
  const instances: ContainerInstanceRecord[] = [];
  if (only !== undefined) {
    const one = await tx.containerInstances.get(only);
    if (one && one.cluster === cluster && one.status !== "INACTIVE") instances.push(one);
  } else {
    let after: string | undefined;
    do {
      const page = await tx.containerInstances.list(cluster, { limit: 1000, after });
      instances.push(...page.items.filter((i) => i.status !== "INACTIVE"));
      after = page.nextAfter;
    } while (after);
  }
  return Promise.all(instances.map(async (instance) => ({ instance, holding: await tx.tasks.holdingResources(instance.arn) })));
}

export function snapshotOf(i: ContainerInstanceRecord, holding: readonly HeldTask[]): InstanceSnapshot {
  const left = remainingResources(i.registered, holding.map((t) => t.reservation));
  const taskGroups = new Map<string, number>();
  for (const t of holding) taskGroups.set(t.group, (taskGroups.get(t.group) ?? 0) + 1);
  return {
    id: i.id,
    arn: i.arn,
    status: i.status,
    agentConnected: i.agentConnected,
    agentVersion: i.versionInfo.agentVersion,
    ec2InstanceId: i.ec2InstanceId,
    registeredAtMs: i.registeredAtMs,
    registeredCpu: i.registered.cpu,
    registeredMemory: i.registered.memory,
    remainingCpu: left.cpu,
    remainingMemory: left.memory,
    usedTcpPorts: [...left.usedTcp],
    usedUdpPorts: [...left.usedUdp],
    attributes: new Map(i.attributes.map((a) => [a.name ?? "", a.value ?? null])),
    runningTasksCount: holding.filter((t) => t.desiredRunning).length,
    taskGroups,
  };
}

