/**
 * What the console's tables show of each API object: rows computed from the ECS SDK's shapes,
 * pure so that they are tested without a browser. The views only lay these out.
 */
import type { Cluster, ContainerInstance, Deployment, Failure, NetworkBinding, Service, ServiceDeployment, ServiceEvent, Task } from "@aws-sdk/client-ecs";
import { count, idOf, taskDefinitionOf } from "./format.js";

export interface ClusterRow {
  readonly name: string;
  readonly status: string;
  readonly activeServices: string;
  readonly runningTasks: string;
  readonly pendingTasks: string;
  readonly instances: string;
}

export const clusterRow = (c: Cluster): ClusterRow => ({
  name: c.clusterName ?? idOf(c.clusterArn),
  status: c.status ?? "",
  activeServices: count(c.activeServicesCount),
  runningTasks: count(c.runningTasksCount),
  pendingTasks: count(c.pendingTasksCount),
  instances: count(c.registeredContainerInstancesCount),
});

/** The deployment a service is rolling out (or has rolled out): its PRIMARY one. */
export const primaryDeployment = (s: Service): Deployment | undefined => s.deployments?.find((d) => d.status === "PRIMARY");

export interface ServiceRow {
  readonly name: string;
  readonly status: string;
  readonly desired: string;
  readonly running: string;
  readonly pending: string;
  readonly rollout: string;
  readonly launchType: string;
}

export const serviceRow = (s: Service): ServiceRow => ({
  name: s.serviceName ?? idOf(s.serviceArn),
  status: s.status ?? "",
  desired: count(s.desiredCount),
  running: count(s.runningCount),
  pending: count(s.pendingCount),
  rollout: primaryDeployment(s)?.rolloutState ?? "",
  launchType: s.launchType ?? (s.capacityProviderStrategy?.map((c) => c.capacityProvider).join(", ") || ""),
});

export interface DeploymentRow {
  readonly id: string;
  readonly status: string;
  readonly taskDefinition: string;
  readonly desired: string;
  readonly running: string;
  readonly pending: string;
  readonly failed: string;
  readonly rollout: string;
  /** A blue/green, linear or canary deployment's lifecycle stage (SCALE_UP, PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP…), else "". */
  readonly stage: string;
  readonly reason: string;
  readonly createdAt: Date | undefined;
}

export const deploymentRow = (d: Deployment, stages: ReadonlyMap<string, string> = new Map()): DeploymentRow => ({
  id: d.id ?? "",
  status: d.status ?? "",
  taskDefinition: taskDefinitionOf(d.taskDefinition),
  desired: count(d.desiredCount),
  running: count(d.runningCount),
  pending: count(d.pendingCount),
  failed: count(d.failedTasks),
  rollout: d.rolloutState ?? "",
  stage: stages.get(idOf(d.id)) ?? "",
  reason: d.rolloutStateReason ?? "",
  createdAt: d.createdAt,
});

/**
 * The lifecycle stage of each service deployment, by its id: the digits ending its ARN, which are
 * the service's deployment's (`ecs-svc/<digits>`).
 */
export const stagesOf = (deployments: readonly ServiceDeployment[]): Map<string, string> =>
  new Map(deployments.flatMap((d) => (d.lifecycleStage ? [[idOf(d.serviceDeploymentArn), d.lifecycleStage] as const] : [])));

/** How a service deploys, in a few words: `ROLLING`, `BLUE_GREEN, bake 10 min`, `LINEAR 10 % every 6 min, bake 0 min`, `CANARY 5 %, the rest after 10 min, bake 0 min`. */
export function strategyOf(s: Service): string {
  const c = s.deploymentConfiguration;
  const strategy = c?.strategy ?? "ROLLING";
  if (strategy === "ROLLING") return strategy;
  const bake = `bake ${c?.bakeTimeInMinutes ?? 0} min`;
  if (strategy === "LINEAR") return `LINEAR ${c?.linearConfiguration?.stepPercent ?? 10} % every ${c?.linearConfiguration?.stepBakeTimeInMinutes ?? 6} min, ${bake}`;
  if (strategy === "CANARY") return `CANARY ${c?.canaryConfiguration?.canaryPercent ?? 5} %, the rest after ${c?.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10} min, ${bake}`;
  return `${strategy}, ${bake}`;
}

/** A service's events, newest first (Berth's explanations of what it did and why). */
export const newestFirst = (events: readonly ServiceEvent[] | undefined): ServiceEvent[] =>
  [...(events ?? [])].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));

/** Placement strategy and constraints as written in ECS's own terms (`spread(attribute:ecs.availability-zone)`). */
export function placementOf(s: Service): { readonly strategy: string[]; readonly constraints: string[] } {
  return {
    strategy: (s.placementStrategy ?? []).map((p) => `${p.type ?? ""}${p.field ? `(${p.field})` : ""}`),
    constraints: (s.placementConstraints ?? []).map((c) => `${c.type ?? ""}${c.expression ? `(${c.expression})` : ""}`),
  };
}

export interface TaskRow {
  readonly id: string;
  readonly taskDefinition: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly startedAt: Date | undefined;
  readonly stoppedAt: Date | undefined;
  readonly stoppedReason: string;
  readonly group: string;
}

export const taskRow = (t: Task): TaskRow => ({
  id: idOf(t.taskArn),
  taskDefinition: taskDefinitionOf(t.taskDefinitionArn),
  lastStatus: t.lastStatus ?? "",
  desiredStatus: t.desiredStatus ?? "",
  startedAt: t.startedAt,
  stoppedAt: t.stoppedAt,
  stoppedReason: t.stoppedReason ?? "",
  group: t.group ?? "",
});

/** Tasks still wanted first, then the newest; stopped ones after. */
export const tasksInOrder = (tasks: readonly Task[]): Task[] =>
  [...tasks].sort((a, b) => Number(a.desiredStatus === "STOPPED") - Number(b.desiredStatus === "STOPPED") || (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));

export interface InstanceRow {
  readonly id: string;
  readonly ec2InstanceId: string;
  readonly agentConnected: string;
  readonly status: string;
  readonly cpu: string;
  readonly memory: string;
  readonly runningTasks: string;
  readonly pendingTasks: string;
}

/** An INTEGER resource (CPU units, MiB) of a resource list. */
const resource = (list: ContainerInstance["registeredResources"], name: string): number | undefined => list?.find((r) => r.name === name)?.integerValue;
const remainingOf = (ci: ContainerInstance, name: string): string => `${count(resource(ci.remainingResources, name))} / ${count(resource(ci.registeredResources, name))}`;

export const instanceRow = (ci: ContainerInstance): InstanceRow => ({
  id: idOf(ci.containerInstanceArn),
  ec2InstanceId: ci.ec2InstanceId ?? "",
  agentConnected: ci.agentConnected === undefined ? "–" : ci.agentConnected ? "yes" : "no",
  status: ci.status ?? "",
  cpu: remainingOf(ci, "CPU"),
  memory: remainingOf(ci, "MEMORY"),
  runningTasks: count(ci.runningTasksCount),
  pendingTasks: count(ci.pendingTasksCount),
});

export interface ContainerRow {
  readonly name: string;
  readonly image: string;
  readonly lastStatus: string;
  readonly exitCode: string;
  readonly reason: string;
  readonly health: string;
  readonly bindings: string[];
}

/** A port binding as `host:port → container/protocol` (e.g. `0.0.0.0:32768 → 80/tcp`). */
export const bindingOf = (b: NetworkBinding): string =>
  `${b.bindIP ?? ""}:${b.hostPort ?? ""} → ${b.containerPort ?? ""}/${b.protocol ?? "tcp"}`;

export const containerRows = (t: Task): ContainerRow[] =>
  (t.containers ?? []).map((c) => ({
    name: c.name ?? "",
    image: c.image ?? "",
    lastStatus: c.lastStatus ?? "",
    exitCode: c.exitCode === undefined ? "" : String(c.exitCode),
    reason: c.reason ?? "",
    health: c.healthStatus ?? "",
    bindings: (c.networkBindings ?? []).map(bindingOf),
  }));

export interface FailureRow {
  readonly resource: string;
  readonly reason: string;
  readonly detail: string;
}

/** The `failures` of an answer (RunTask's placement failures), each with its reason and detail as given. */
export const failureRows = (failures: readonly Failure[] | undefined): FailureRow[] =>
  (failures ?? []).map((f) => ({ resource: idOf(f.arn), reason: f.reason ?? "", detail: f.detail ?? "" }));
