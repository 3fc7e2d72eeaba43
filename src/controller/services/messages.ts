/**
 * Service event messages in ECS's wording (ecs-surface.md §6), and deployment reasons.
 * Berth's own additions (lost hosts, the per-reason placement breakdown) follow ECS's shape.
 */
import { arnId } from "../../domain/arn.js";

const taskList = (ids: readonly string[]): string => {
  const shown = ids.slice(0, 10).map((id) => `(task ${id})`).join(" ");
  return ids.length > 10 ? `${shown} and ${ids.length - 10} more` : shown;
};

/** "2 tasks in us-east-1a, 0 tasks in us-east-1b and 1 tasks in us-east-1c", as ECS's rebalancing events count them. */
const zoneCounts = (counts: readonly (readonly [string, number])[]): string => {
  const parts = counts.map(([zone, n]) => `${n} tasks in ${zone}`);
  return parts.length < 2 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
};

const groupList = (arns: readonly string[]): string => arns.map((a) => `(target-group ${a})`).join(" ");

const alarmList = (names: readonly string[]): string => names.map((n) => `(alarm ${n.slice(0, 255)})`).join(" ");

export const serviceMessages = {
  started: (service: string, ids: readonly string[]) => `(service ${service}) has started ${ids.length} tasks: ${taskList(ids)}.`,
  stopped: (service: string, ids: readonly string[]) => `(service ${service}) has stopped ${ids.length} running tasks: ${taskList(ids)}.`,
  steady: (service: string) => `(service ${service}) has reached a steady state.`,
  deploymentCompleted: (service: string, deployment: string) => `(service ${service}) (deployment ${deployment}) deployment completed.`,
  awaitingHealth: (service: string, deployment: string, count: number, healthyAfterMs: number) =>
    `(service ${service}) (deployment ${deployment}) has all ${count} tasks RUNNING; ` +
    `it completes when they are healthy (health checks passing, or RUNNING for ${Math.round(healthyAfterMs / 1000)} seconds without them), ` +
    "then the service reaches a steady state. Wait for rolloutState COMPLETED, not only for services-stable.",
  deploymentFailed: (service: string, deployment: string) => `(service ${service}) (deployment ${deployment}) deployment failed: tasks failed to start.`,
  deploymentStopped: (service: string, deployment: string) => `(service ${service}) (deployment ${deployment}) deployment stopped: rollback requested by StopServiceDeployment.`,
  rollingBack: (service: string, deployment: string) => `(service ${service}) rolling back to deployment ${deployment}.`,
  alarmsTriggered: (service: string, deployment: string, alarms: readonly string[]) =>
    `(service ${service}) (deployment ${deployment}) deployment failed: alarm(s) in ALARM: ${alarmList(alarms)}.`,
  alarmsAlreadyFiring: (service: string, deployment: string, alarms: readonly string[]) =>
    `(service ${service}) (deployment ${deployment}) is not watched by its deployment alarms: ${alarmList(alarms)} already in ALARM when it started.`,
  alarmsMissing: (service: string, deployment: string, alarms: readonly string[]) =>
    `(service ${service}) (deployment ${deployment}) deployment alarms not found, so never in ALARM: ${alarmList(alarms)}. Create them with PutMetricAlarm.`,
  baking: (service: string, deployment: string, bakeMs: number) =>
    `(service ${service}) (deployment ${deployment}) has reached its desired state; it completes after a bake time of ${Math.round(bakeMs / 1000)} seconds (the longest evaluation window of its alarms) unless an alarm goes to ALARM.`,
  testTrafficShifted: (service: string, deployment: string, targetGroups: readonly string[]) =>
    `(service ${service}) (deployment ${deployment}) shifted test traffic to ${groupList(targetGroups)}.`,
  productionTrafficShifted: (service: string, deployment: string, share: number, targetGroups: readonly string[]) =>
    `(service ${service}) (deployment ${deployment}) shifted ${share < 100 ? `${share}% of ` : ""}production traffic to ${groupList(targetGroups)}.`,
  blueGreenBaking: (service: string, deployment: string, bakeMinutes: number, blue: string) =>
    `(service ${service}) (deployment ${deployment}) is baking for ${bakeMinutes} minutes; the tasks of deployment ${blue} keep running until then, so a rollback returns traffic to them at once.`,
  trafficRuleGone: (service: string, rule: string) =>
    `(service ${service}) could not shift traffic: listener rule ${rule} no longer exists. Restore it, or update the service's loadBalancers' advancedConfiguration.`,
  azImbalanced: (service: string, counts: readonly (readonly [string, number])[]) =>
    `service (${service}) is not AZ balanced with ${zoneCounts(counts)}. AZ Rebalancing in progress.`,
  azBalanced: (service: string, counts: readonly (readonly [string, number])[]) => `service (${service}) is AZ balanced with ${zoneCounts(counts)}.`,
  unhealthy: (service: string, task: string) => `(service ${service}) (task ${task}) failed container health checks.`,
  unhealthyTargets: (service: string, task: string) => `(service ${service}) (task ${task}) failed ELB health checks.`,
  throttled: (service: string) => `(service ${service}) is unable to consistently start tasks successfully.`,
  blocked: (service: string) =>
    `(service ${service}) was unable to stop or start tasks during a deployment because of the service deployment configuration. ` +
    "Update the minimumHealthyPercent or maximumPercent value and try again.",
  lost: (service: string, ids: readonly string[], afterMs: number) =>
    `(service ${service}) stopped ${ids.length} tasks whose container instance's agent was disconnected for more than ${Math.round(afterMs / 1000)} seconds: ${taskList(ids)}.`,
};

export const stopReasons = {
  scaledIn: "Scaling activity initiated by (deployment %s)",
  deployment: "ECS deployment: replaced by a newer deployment.",
  draining: "Container instance is being drained.",
  serviceDeleted: "Service was deleted.",
  unhealthy: "Task failed container health checks.",
  unhealthyTargets: "Task failed ELB health checks.",
  azRebalancing: "Amazon ECS Availability Zone rebalancing: the task's zone ran more of the service's tasks than another.",
  daemonIneligible: "Container instance no longer matches the DAEMON service's placement constraints.",
  lost: (instanceArn: string, afterMs: number) =>
    `Berth: the agent of container instance ${arnId(instanceArn)} was disconnected for more than ${Math.round(afterMs / 1000)} seconds; the task was presumed lost and replaced.`,
};

export const rolloutReasons = {
  inProgress: (id: string) => `ECS deployment ${id} in progress.`,
  completed: (id: string) => `ECS deployment ${id} completed.`,
  awaitingHealth: (id: string, count: number, healthyAfterMs: number) =>
    `ECS deployment ${id} in progress: all ${count} tasks are RUNNING, waiting for them to be healthy (health checks, or ${Math.round(healthyAfterMs / 1000)} seconds RUNNING).`,
  circuitBreaker: "ECS deployment circuit breaker: tasks failed to start.",
  stopped: "ECS deployment stopped: rollback requested by StopServiceDeployment.",
  stopRollback: (toId: string) => `ECS deployment rollback requested by StopServiceDeployment: rolling back to deploymentId ${toId}.`,
  rollback: (toId: string) => `ECS deployment circuit breaker: rolling back to deploymentId ${toId}.`,
  alarms: (alarms: readonly string[]) => `ECS deployment alarms: ${alarmList(alarms)} in ALARM.`,
  alarmsRollback: (toId: string) => `ECS deployment alarms: rolling back to deploymentId ${toId}.`,
  baking: (id: string, bakeMs: number) => `ECS deployment ${id} in progress: baking for ${Math.round(bakeMs / 1000)} seconds while its alarms are watched.`,
};
