import type { TrafficOrder } from "../../domain/blue-green.js";
import type { DeploymentRecord, ServiceRecord } from "../../domain/service.js";
import type { TaskRecord } from "../../domain/task.js";
import { isHealthy, isWanted } from "./task-health.js";
import type { InstanceFacts, ReconcileInput, StartOrder, StopOrder } from "./types.js";

/**
 * One reconcile's scratch state, shared by the rules in order (as Nomad's reconciler results):
 * the service as it will be written, the tasks still alive once earlier rules' decisions are
 * counted, and the plan so far. Rules read the input only through it.
 */
export class Working {
  readonly input: ReconcileInput;
  readonly name: string;
  readonly nowMs: number;
  service: ServiceRecord;
  deployments: DeploymentRecord[];
  readonly instances: ReadonlyMap<string, InstanceFacts>;
  readonly lost: StopOrder[] = [];
  readonly stops: StopOrder[] = [];
  readonly starts: StartOrder[] = [];
  readonly observed: string[] = [];
  readonly traffic: TrafficOrder[] = [];
  readonly events: string[] = [];
  /** Tasks this plan stops or records lost: no longer counted as wanted. */
  private readonly leaving = new Set<string>();

  constructor(input: ReconcileInput) {
    this.input = input;
    this.name = input.service.name;
    this.nowMs = input.nowMs;
    this.service = input.service;
    this.deployments = [...input.service.deployments];
    this.instances = new Map(input.instances.map((i) => [i.arn, i]));
  }

  get primary(): DeploymentRecord | undefined {
    return this.deployments[0];
  }

  /** Tasks not yet known STOPPED and not recorded lost by this plan: they hold (or will hold) a place. */
  alive(): TaskRecord[] {
    return this.input.tasks.filter((t) => t.lastStatus !== "STOPPED" && !this.lost.some((l) => l.taskArn === t.arn));
  }

  /** Alive tasks meant to run, minus those this plan stops. */
  wanted(): TaskRecord[] {
    return this.alive().filter((t) => isWanted(t) && !this.leaving.has(t.arn));
  }

  healthy(t: TaskRecord): boolean {
    return isHealthy(t, this.nowMs, this.input.settings.healthyAfterMs);
  }

  /** Whether a task's instance takes no more of this service's tasks (DRAINING, or gone). */
  onDrainingInstance(t: TaskRecord): boolean {
    const i = this.instances.get(t.containerInstanceArn);
    return i === undefined || i.status !== "ACTIVE";
  }

  /** `unlessProtected`: the apply step skips the stop if the task is protected from scale-in by then. */
  stop(t: TaskRecord, reason: string, unlessProtected = false): void {
    if (this.leaving.has(t.arn)) return;
    this.leaving.add(t.arn);
    this.stops.push(unlessProtected ? { taskArn: t.arn, reason, unlessProtected } : { taskArn: t.arn, reason });
  }

  markLost(t: TaskRecord, reason: string): void {
    this.leaving.add(t.arn);
    this.lost.push({ taskArn: t.arn, reason });
  }

  event(message: string): void {
    this.events.push(message);
  }

  updateDeployment(id: string, change: (d: DeploymentRecord) => DeploymentRecord): void {
    this.deployments = this.deployments.map((d) => {
      if (d.id !== id) return d;
      const next = change(d);
      return JSON.stringify(next) === JSON.stringify(d) ? d : { ...next, updatedAtMs: this.nowMs };
    });
  }
}
