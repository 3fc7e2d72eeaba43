import type { ContainerInstanceRecord } from "../domain/container-instance.js";
import type { TaskRecord } from "../domain/task.js";
import type { Change } from "../state/changes.js";

/** What the metrics need of a task holding resources. */
export interface BookedTask {
  readonly arn: string;
  readonly cluster: string;
  readonly serviceName?: string | undefined;
  readonly instanceArn: string;
  /** CPU units and MiB reserved (the task definition's, as placed). */
  readonly cpu: number;
  readonly memory: number;
  readonly version: number;
}

/** What the metrics need of a container instance. */
export interface BookedInstance {
  readonly arn: string;
  readonly cluster: string;
  /** CPU units and MiB registered. */
  readonly cpu: number;
  readonly memory: number;
  readonly agentConnected: boolean;
  readonly version: number;
}

/**
 * The tasks that hold resources and the active container instances, per cluster, in memory: what
 * AWS/ECS metrics are computed from, kept by the change log (and a scan at start). A record older
 * than the one booked (a scan racing the log) is ignored.
 */
export class ResourceBook {
  readonly tasks = new Map<string, BookedTask>();
  readonly instances = new Map<string, BookedInstance>();
  private readonly versions = new Map<string, number>();

  apply(change: Change): void {
    if (change.kind === "task") this.task(change.record);
    else if (change.kind === "instance") this.instance(change.record);
  }

  task(t: TaskRecord): void {
    if (!this.newer(t.arn, t.version)) return;
    if (t.lastStatus === "STOPPED") {
      // A stopped task never changes again: nothing of it is kept.
      this.tasks.delete(t.arn);
      this.versions.delete(t.arn);
    } else {
      this.tasks.set(t.arn, { arn: t.arn, cluster: t.cluster, serviceName: t.serviceName, instanceArn: t.containerInstanceArn, cpu: t.reservation.cpu, memory: t.reservation.memory, version: t.version });
    }
  }

  instance(i: ContainerInstanceRecord): void {
    if (!this.newer(i.arn, i.version)) return;
    if (i.status === "INACTIVE") {
      this.instances.delete(i.arn);
      this.versions.delete(i.arn);
    } else this.instances.set(i.arn, { arn: i.arn, cluster: i.cluster, cpu: i.registered.cpu, memory: i.registered.memory, agentConnected: i.agentConnected, version: i.version });
  }

  private newer(key: string, version: number): boolean {
    const was = this.versions.get(key);
    if (was !== undefined && was > version) return false;
    this.versions.set(key, version);
    return true;
  }
}
