/**
 * A load-balanced service's targets as ELB reports their health, each named by the task behind it.
 * Pure: the service page lays these rows out.
 */
import type { Task } from "@aws-sdk/client-ecs";
import type { TargetHealthDescription } from "@aws-sdk/client-elastic-load-balancing-v2";
import { idOf } from "./format.js";

export interface TargetRow {
  /** `id:port` as registered: an instance's EC2 id and a host port, or an awsvpc task's address and the container port. */
  readonly target: string;
  /** The task's id, when one of the tasks given is behind the target. */
  readonly task: string;
  readonly state: string;
  readonly reason: string;
  readonly description: string;
}

/** Which container port of which container a service balances onto (its `loadBalancers` entry). */
export interface BalancedPort {
  readonly containerName?: string | undefined;
  readonly containerPort?: number | undefined;
}

/** The awsvpc interface's address of a task, once its agent reported it. */
const addressOf = (task: Task): string | undefined =>
  task.attachments?.find((a) => a.type === "ElasticNetworkInterface")?.details?.find((d) => d.name === "privateIPv4Address")?.value;

/**
 * The targets a task can stand behind for one `loadBalancers` entry, as the service registers
 * them: `address:containerPort` in an `ip` group, `instanceId:hostPort` in an `instance` group.
 */
export function targetsOfTask(task: Task, port: BalancedPort, instanceIds: ReadonlyMap<string, string>): string[] {
  const keys: string[] = [];
  const address = addressOf(task);
  if (address && port.containerPort !== undefined) keys.push(`${address}:${port.containerPort}`);
  const instanceId = task.containerInstanceArn ? instanceIds.get(task.containerInstanceArn) : undefined;
  const binding = task.containers
    ?.find((c) => c.name === port.containerName)
    ?.networkBindings?.find((b) => b.containerPort === port.containerPort && (b.protocol ?? "tcp") === "tcp");
  if (instanceId && binding?.hostPort !== undefined) keys.push(`${instanceId}:${binding.hostPort}`);
  return keys;
}

/** DescribeTargetHealth's answer as rows in target order, each with the task behind it (if among `tasks`). */
export function targetRows(descriptions: readonly TargetHealthDescription[], tasks: readonly Task[], port: BalancedPort, instanceIds: ReadonlyMap<string, string>): TargetRow[] {
  const taskOf = new Map<string, string>();
  for (const task of tasks) for (const key of targetsOfTask(task, port, instanceIds)) taskOf.set(key, idOf(task.taskArn));
  return descriptions
    .map((d) => {
      const target = `${d.Target?.Id ?? ""}:${d.Target?.Port ?? ""}`;
      return {
        target,
        task: taskOf.get(target) ?? "",
        state: d.TargetHealth?.State ?? "",
        reason: d.TargetHealth?.Reason ?? "",
        description: d.TargetHealth?.Description ?? "",
      };
    })
    .sort((a, b) => a.target.localeCompare(b.target));
}
