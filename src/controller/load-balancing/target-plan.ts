import { registrationsOf } from "../../domain/service-target-groups.js";
import type { ServiceRecord } from "../../domain/service.js";
import type { TaskRecord } from "../../domain/task.js";
import type { TargetRecord } from "../../domain/load-balancing/types.js";
import { lbMessages } from "./messages.js";

/** What one sync of a service's targets sees. */
export interface TargetSyncInput {
  readonly service: ServiceRecord;
  /** The service's tasks (alive ones and stops not yet observed). */
  readonly tasks: readonly TaskRecord[];
  /** Target registrations the service made, for those tasks and for tasks no longer among them. */
  readonly targets: readonly TargetRecord[];
  /** Tasks of `targets` not in `tasks`: whether they have stopped (or are gone). */
  readonly goneTasks: ReadonlySet<string>;
  /** The EC2 instance id of each container instance ARN (instance targets are named by it). */
  readonly instanceIds: ReadonlyMap<string, string>;
  /** Each target group's deregistration delay. */
  readonly delayMs: (targetGroupArn: string) => number;
  /** Each target group's target type: `ip` groups name awsvpc tasks by their address, the others by instance and host port. */
  readonly targetType: (targetGroupArn: string) => string;
  readonly nowMs: number;
}

export interface TargetSyncPlan {
  readonly put: readonly TargetRecord[];
  readonly remove: readonly TargetRecord[];
  /** Tasks whose targets were just registered: their targetHealth starts INITIAL. */
  readonly registeredTasks: readonly string[];
  /** DEACTIVATING tasks whose targets have drained (or whose delay is over): on to STOPPING, their containers may be signalled. */
  readonly release: readonly string[];
  readonly events: readonly string[];
}

/**
 * Keeps a service's target registrations in step with its tasks (pure): a RUNNING task meant to
 * run is registered in each of the service's target groups (a blue/green deployment's tasks in
 * their own of each pair, a task set's in its own: domain/service-target-groups.ts), at its instance and its container's
 * host port, or in an `ip` group at its network interface's address and the container port; a task
 * asked to stop by anyone but the scheduler (which drains first, stop-gate.ts) starts draining, and
 * a DEACTIVATING one (StopTask) goes on to STOPPING once none of its targets is draining any more; a
 * stopped task's registrations go.
 */
export function planTargets(input: TargetSyncInput): TargetSyncPlan {
  const { service, nowMs } = input;
  const put: TargetRecord[] = [];
  const remove: TargetRecord[] = [];
  const registeredTasks: string[] = [];
  const release: string[] = [];
  const registeredIn = new Map<string, number>();
  const deregisteredIn = new Map<string, number>();
  const byTask = new Map<string, TargetRecord[]>();
  for (const t of input.targets) byTask.set(t.taskArn ?? "", [...(byTask.get(t.taskArn ?? "") ?? []), t]);
  const count = (m: Map<string, number>, tg: string) => m.set(tg, (m.get(tg) ?? 0) + 1);

  for (const task of input.tasks) {
    const mine = byTask.get(task.arn) ?? [];
    if (task.lastStatus === "STOPPED") {
      for (const t of mine) {
        if (t.state === "registered") count(deregisteredIn, t.targetGroupArn);
        remove.push(t);
      }
      continue;
    }
    if (task.spec.desiredStatus === "STOPPED") {
      let draining = false;
      for (const t of mine) {
        if (t.state === "draining" && (t.drainUntilMs ?? 0) > nowMs) draining = true;
        if (t.state !== "registered") continue;
        const drainUntilMs = nowMs + input.delayMs(t.targetGroupArn);
        put.push({ ...t, state: "draining", drainUntilMs });
        count(deregisteredIn, t.targetGroupArn);
        draining ||= drainUntilMs > nowMs;
      }
      if (task.lastStatus === "DEACTIVATING" && !draining) release.push(task.arn);
      continue;
    }
    if (task.lastStatus !== "RUNNING") continue;
    let added = false;
    for (const { lb, targetGroupArn: tg } of registrationsOf(service, task.startedBy)) {
      if (mine.some((t) => t.targetGroupArn === tg)) continue;
      const at = input.targetType(tg) === "ip" ? ipTarget(task, lb.containerPort) : instanceTarget(task, lb, input.instanceIds);
      if (!at) continue;
      put.push({ targetGroupArn: tg, ...at, registeredAtMs: nowMs, state: "registered", taskArn: task.arn, serviceArn: service.arn });
      count(registeredIn, tg);
      added = true;
    }
    if (added) registeredTasks.push(task.arn);
  }
  for (const t of input.targets) {
    if (t.taskArn === undefined || !input.goneTasks.has(t.taskArn)) continue;
    if (t.state === "registered") count(deregisteredIn, t.targetGroupArn);
    remove.push(t);
  }
  const events = [
    ...[...deregisteredIn].map(([tg, n]) => lbMessages.deregistered(service.name, n, tg)),
    ...[...registeredIn].map(([tg, n]) => lbMessages.registered(service.name, n, tg)),
  ];
  return { put, remove, registeredTasks, release, events };
}

type TargetAddress = Pick<TargetRecord, "id" | "port">;

/** An awsvpc task in an `ip` group: its interface's address and the container port, once the agent reported the address. */
function ipTarget(task: TaskRecord, containerPort: number | undefined): TargetAddress | undefined {
  const address = task.known?.eni?.privateIPv4Address;
  return address !== undefined && containerPort !== undefined ? { id: address, port: containerPort } : undefined;
}

/** A task in an `instance` group: its instance's id and the host port its container's port is bound to. */
function instanceTarget(task: TaskRecord, lb: { readonly containerName?: string | undefined; readonly containerPort?: number | undefined }, instanceIds: ReadonlyMap<string, string>): TargetAddress | undefined {
  const instanceId = instanceIds.get(task.containerInstanceArn);
  const binding = task.known?.containers
    .find((c) => c.name === lb.containerName)
    ?.networkBindings?.find((b) => b.containerPort === lb.containerPort && b.protocol === "tcp");
  return instanceId !== undefined && binding ? { id: instanceId, port: binding.hostPort } : undefined;
}
