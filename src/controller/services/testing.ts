import type { ContainerDefinition, ContainerImage } from "@aws-sdk/client-ecs";
import type { TrafficOrder } from "../../domain/blue-green.js";
import { withNewDeployment, type DeploymentRecord, type ServiceRecord } from "../../domain/service.js";
import { pinnedDigests, revisionOf } from "../../domain/service-deployment.js";
import { markLost, requestStop, type TaskRecord } from "../../domain/task.js";
import { reconcileService } from "./reconcile.js";
import type { AlarmFacts, InstanceFacts, ReconcileInput, ReconcileSettings, ServicePlan } from "./types.js";

/** Builders and a small world model for the reconciler's tests (no I/O). */

export const settings: ReconcileSettings = { lostAfterMs: 15_000, healthyAfterMs: 0 };
const arnOf = (kind: string, id: string) => `arn:aws:ecs:us-east-1:000000000000:${kind}/c/${id}`;
export const tdArn = (revision: number) => `arn:aws:ecs:us-east-1:000000000000:task-definition/web:${revision}`;

export function aDeployment(o: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    id: "ecs-svc/1",
    status: "PRIMARY",
    taskDefinitionArn: tdArn(1),
    desiredCount: 0,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: "ECS deployment ecs-svc/1 in progress.",
    createdAtMs: 0,
    updatedAtMs: 0,
    ...o,
  };
}

export function aService(o: Partial<ServiceRecord> & { min?: number; max?: number; breaker?: boolean; rollback?: boolean } = {}): ServiceRecord {
  const { min, max, breaker, rollback, ...rest } = o;
  return {
    arn: arnOf("service", "web"),
    name: "web",
    cluster: "c",
    clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/c",
    status: "ACTIVE",
    schedulingStrategy: "REPLICA",
    desiredCount: 4,
    taskDefinitionArn: tdArn(1),
    launchType: "EC2",
    deploymentConfiguration: {
      minimumHealthyPercent: min ?? 100,
      maximumPercent: max ?? 200,
      circuitBreaker: { enable: breaker ?? false, rollback: rollback ?? false },
    },
    placementConstraints: [],
    placementStrategy: [],
    healthCheckGracePeriodSeconds: 0,
    enableECSManagedTags: false,
    tags: [],
    deployments: [aDeployment()],
    startFailures: 0,
    createdAtMs: 0,
    version: 1,
    ...rest,
  };
}

export function anInstance(id: string, o: Partial<InstanceFacts> = {}): InstanceFacts {
  return { arn: arnOf("container-instance", id), status: "ACTIVE", agentConnected: true, daemonEligible: true, ...o };
}

let taskSeq = 0;
export function aTask(
  o: { id?: string; deployment?: string; instance?: string; status?: TaskRecord["lastStatus"]; desired?: "RUNNING" | "STOPPED"; startedAtMs?: number; createdAtMs?: number; healthCheck?: boolean; health?: "HEALTHY" | "UNHEALTHY" | "UNKNOWN"; stopCode?: TaskRecord["stopCode"]; revision?: number } = {},
): TaskRecord {
  const id = o.id ?? `t${String(++taskSeq).padStart(5, "0")}`;
  const arn = arnOf("task", id);
  const status = o.status ?? "RUNNING";
  const containers: ContainerDefinition[] = [{ name: "app", image: "busybox", essential: true, ...(o.healthCheck ? { healthCheck: { command: ["CMD", "true"] } } : {}) }];
  const ran = status === "RUNNING" || (status === "STOPPED" && o.startedAtMs !== undefined);
  return {
    arn,
    id,
    cluster: "c",
    clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/c",
    containerInstanceArn: arnOf("container-instance", o.instance ?? "i1"),
    taskDefinitionArn: tdArn(o.revision ?? 1),
    group: "service:web",
    startedBy: o.deployment ?? "ecs-svc/1",
    serviceName: "web",
    launchType: "EC2",
    overrides: {},
    tags: [],
    spec: { taskArn: arn, family: "web", revision: o.revision ?? 1, desiredStatus: o.desired ?? (status === "STOPPED" ? "STOPPED" : "RUNNING"), networkMode: "bridge", containers, volumes: [] },
    containerIds: {},
    reservation: { cpu: 0, memory: 64, tcpPorts: [], udpPorts: [] },
    lastStatus: status,
    stopCode: o.stopCode,
    known: ran || status === "PENDING"
      ? {
          taskArn: arn,
          status: status === "RUNNING" ? "RUNNING" : status === "STOPPED" ? "STOPPED" : "PENDING",
          containers: [{ name: "app", status: status === "RUNNING" ? "RUNNING" : status === "STOPPED" ? "STOPPED" : "PENDING", healthStatus: o.health }],
          startedAtMs: ran ? (o.startedAtMs ?? 0) : undefined,
        }
      : undefined,
    createdAtMs: o.createdAtMs ?? 0,
    stoppedAtMs: status === "STOPPED" ? 0 : undefined,
    version: 1,
  };
}

export const input = (o: Partial<ReconcileInput> & { service: ServiceRecord }): ReconcileInput => ({
  tasks: [],
  instances: [anInstance("i1"), anInstance("i2")],
  nowMs: 100_000,
  newDeploymentId: "ecs-svc/new",
  settings,
  ...o,
});

/**
 * A tiny cluster for multi-step tests: applies plans (starts land round-robin on connected ACTIVE
 * instances), then advances the world: new tasks reach RUNNING, stopping tasks reach STOPPED.
 */
export class World {
  tasks: TaskRecord[] = [];
  nowMs = 1_000_000;
  private seq = 0;
  failing = new Set<string>();
  /** What each image tag names in the registry now: a task reaching RUNNING reports it, unless its spec pins another. */
  registry = new Map<string, string>();
  /** The service's deployment alarms as CloudWatch has them. */
  alarms = new Map<string, AlarmFacts>();
  /** Images in Berth's own registry and the manifests their tags name (what the snapshot gives the reconciler). */
  ownRegistry = new Map<string, string | undefined>();
  /** The containers of the tasks it starts, when not aTask's one `app` of busybox. */
  containers?: ContainerDefinition[];
  /** Every listener rule the plans turned (blue/green), in order. */
  traffic: TrafficOrder[] = [];

  constructor(
    public service: ServiceRecord,
    public instances: InstanceFacts[],
    private readonly healthyAfterMs = 0,
  ) {}

  input(): ReconcileInput {
    return {
      service: this.service,
      tasks: this.tasks,
      instances: this.instances,
      nowMs: this.nowMs,
      newDeploymentId: `ecs-svc/r${this.seq}`,
      settings: { lostAfterMs: 15_000, healthyAfterMs: this.healthyAfterMs },
      alarms: this.alarms,
      ...this.registryFacts(),
    };
  }

  /** As snapshot.ts reads them: each deployment's containers in the own registry that its revision has not pinned. */
  private registryFacts(): Pick<ReconcileInput, "registryPins" | "ownImages"> {
    const containers = this.containers ?? aTask().spec.containers;
    const registryPins = new Map<string, ContainerImage[]>();
    for (const d of this.service.deployments) {
      const revision = revisionOf(this.service, d.id);
      const missing = containers.filter((c) => this.ownRegistry.get(c.image ?? "") !== undefined && !(revision?.containerImages ?? []).some((p) => p.containerName === c.name));
      if (missing.length > 0) registryPins.set(d.id, missing.map((c) => ({ containerName: c.name, image: c.image, imageDigest: this.ownRegistry.get(c.image ?? "") })));
    }
    return { registryPins, ownImages: new Set(this.ownRegistry.keys()) };
  }

  reconcile(): ServicePlan {
    return reconcileService(this.input());
  }

  apply(plan: ServicePlan): void {
    const byArn = new Map(this.tasks.map((t) => [t.arn, t]));
    for (const l of plan.lost) byArn.set(l.taskArn, { ...markLost(byArn.get(l.taskArn)!, { reason: l.reason, nowMs: this.nowMs }), serviceObserved: true });
    for (const s of plan.stops) byArn.set(s.taskArn, requestStop(byArn.get(s.taskArn)!, { reason: s.reason, code: "ServiceSchedulerInitiated", nowMs: this.nowMs }));
    for (const arn of plan.observed) byArn.set(arn, { ...byArn.get(arn)!, serviceObserved: true });
    this.traffic.push(...plan.traffic);
    const targets = this.instances.filter((i) => i.status === "ACTIVE" && i.agentConnected);
    for (const start of plan.starts) {
      const pool = start.zone === undefined ? targets : targets.filter((i) => i.zone === start.zone);
      for (let n = 0; n < start.count; n++) {
        const instance = start.instanceArn ?? pool[this.seq % Math.max(1, pool.length)]?.arn ?? "none";
        const t = aTask({ id: `w${++this.seq}`, deployment: start.deploymentId, status: "PROVISIONING", createdAtMs: this.nowMs, revision: Number(start.taskDefinitionArn.split(":").pop()) });
        // As apply.ts launches them: with the digests the deployment's revision pinned.
        const service = plan.service ?? this.service;
        const imageDigests = pinnedDigests(revisionOf(service, start.deploymentId));
        byArn.set(t.arn, { ...t, containerInstanceArn: instance, taskDefinitionArn: start.taskDefinitionArn, spec: { ...t.spec, containers: this.containers ?? t.spec.containers, ...(imageDigests && { imageDigests }) } });
      }
    }
    this.tasks = [...byArn.values()].filter((t) => !(t.lastStatus === "STOPPED" && t.serviceObserved));
    if (plan.service) this.service = { ...plan.service, version: this.service.version + 1 };
  }

  /** Agents act: PROVISIONING → RUNNING (or STOPPED for a failing task definition), desired STOPPED → STOPPED. */
  advance(ms: number, pick: (t: TaskRecord) => boolean = () => true): void {
    this.nowMs += ms;
    this.tasks = this.tasks.map((t) => {
      if (!pick(t) || t.lastStatus === "STOPPED") return t;
      if (t.spec.desiredStatus === "STOPPED") return { ...t, lastStatus: "STOPPED", stoppedAtMs: this.nowMs, version: t.version + 1 };
      if (t.lastStatus === "RUNNING") return t;
      if (this.failing.has(t.taskDefinitionArn)) {
        return { ...t, lastStatus: "STOPPED", spec: { ...t.spec, desiredStatus: "STOPPED" }, stopCode: "TaskFailedToStart", stoppedAtMs: this.nowMs };
      }
      const containers = t.spec.containers.map((c) => ({ name: c.name ?? "", status: "RUNNING" as const, imageDigest: t.spec.imageDigests?.[c.name ?? ""] ?? this.registry.get(c.image ?? "") }));
      const known = { taskArn: t.arn, status: "RUNNING" as const, containers, startedAtMs: this.nowMs };
      return { ...t, lastStatus: "RUNNING", known, version: t.version + 1 };
    });
  }

  /** `rounds` times: reconcile, apply, and let the agents act for `stepMs`. */
  run(rounds: number, stepMs = 1000): void {
    for (let i = 0; i < rounds; i++) {
      this.apply(this.reconcile());
      this.advance(stepMs);
    }
  }

  /** Reconcile and apply until a plan is empty of actions (at most `rounds`); returns how many rounds acted. */
  settle(rounds = 50, advanceMs = 1000): number {
    for (let i = 0; i < rounds; i++) {
      const plan = this.reconcile();
      const acted = plan.starts.length + plan.stops.length + plan.lost.length + plan.observed.length > 0 || plan.service !== undefined;
      this.apply(plan);
      if (!acted && this.tasks.every((t) => t.lastStatus === "RUNNING" || t.lastStatus === "STOPPED")) return i;
      this.advance(advanceMs);
    }
    return rounds;
  }

  alive(): TaskRecord[] {
    return this.tasks.filter((t) => t.lastStatus !== "STOPPED");
  }

  running(deployment?: string): TaskRecord[] {
    return this.tasks.filter((t) => t.lastStatus === "RUNNING" && t.spec.desiredStatus === "RUNNING" && (deployment === undefined || t.startedBy === deployment));
  }
}

/** Starts a new deployment the way UpdateService does (the old PRIMARY becomes ACTIVE). */
export const deploy = (service: ServiceRecord, id: string, revision: number, nowMs: number): ServiceRecord =>
  withNewDeployment(service, { id, taskDefinitionArn: tdArn(revision), nowMs });
