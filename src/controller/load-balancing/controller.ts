import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { isBalanced, serviceTargetGroups } from "../../domain/service-target-groups.js";
import { deregistrationDelayMs } from "../../domain/load-balancing/defaults.js";
import type { TargetHealth } from "../../domain/load-balancing/health.js";
import { targetKey, type TargetRecord } from "../../domain/load-balancing/types.js";
import type { ServiceRecord } from "../../domain/service.js";
import type { TaskRecord } from "../../domain/task.js";
import { allServices } from "../../state/scan.js";
import type { Store, WriteTx } from "../../state/store.js";
import { eventsKept } from "../services/apply.js";
import { DirtyKeys } from "../dirty-keys.js";
import { lbMessages } from "./messages.js";
import { planTargets } from "./target-plan.js";

export interface LoadBalancingControllerOptions {
  readonly store: Store;
  /** The data plane's health checks, by target group and `id:port`. */
  readonly health: (targetGroupArn: string) => ReadonlyMap<string, TargetHealth>;
  /** Wakes the data plane after a change to targets. */
  readonly changed: () => void;
  readonly logger: Logger;
  readonly now: () => number;
  readonly tickMs?: number;
}

const key = (cluster: string, name: string) => `${cluster}\u0000${name}`;

/**
 * Services behind load balancers (issue 11): registers each RUNNING task's host port in the
 * service's target groups, drains and removes registrations of tasks that stop, and keeps each
 * task's `targetHealth` from the data plane's health checks (the service scheduler counts a task
 * healthy only once its targets are, and replaces one whose targets fail). Subscribes to the change
 * log and sweeps the services it knows every `tickMs` (listed from the store once, at start; then
 * kept by the change log: a scan of every service each second cost 2 % of a core at 1,000 services);
 * writes only through the store.
 */
export class LoadBalancingController {
  private readonly unhealthyTasks = new Set<string>();
  /** Services with load balancers (kept from the change log and the sweeps). */
  private readonly balanced = new Set<string>();
  /** DEACTIVATING tasks (StopTask behind a load balancer) by ARN, with their service's key: swept until released. */
  private readonly deactivating = new Map<string, string>();
  /** Whether every service was listed once (on the next sweep again if that failed). */
  private listed = false;
  private readonly keys: DirtyKeys;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: LoadBalancingControllerOptions) {
    this.keys = new DirtyKeys((k) => this.handle(k));
    this.unsubscribe = opts.store.changes.subscribe((c) => {
      if (c.kind === "service") {
        const k = key(c.record.cluster, c.record.name);
        // A service that just lost its load balancers is synced once more, to take its targets away.
        const balanced = isBalanced(c.record);
        if (balanced || this.balanced.has(k)) this.mark(k);
        if (balanced && c.record.status !== "INACTIVE") this.balanced.add(k);
        else this.balanced.delete(k);
      } else if (c.kind === "task" && c.record.serviceName !== undefined) {
        // Only tasks of services behind load balancers, and DEACTIVATING ones (whose service may have
        // lost its load balancers since): the others' changes are none of this controller's.
        const k = key(c.record.cluster, c.record.serviceName);
        if (c.record.lastStatus === "DEACTIVATING") this.deactivating.set(c.record.arn, k);
        else this.deactivating.delete(c.record.arn);
        if (this.balanced.has(k) || c.record.lastStatus === "DEACTIVATING") this.mark(k);
      }
    });
    const sweep = (): void => {
      this.markAll().catch((err: unknown) => opts.logger.error({ err }, "load balancing: listing services failed"));
    };
    this.timer = setInterval(sweep, opts.tickMs ?? 1000);
    sweep();
  }

  /** From the data plane: a target's health changed. */
  healthChanged(target: TargetRecord, health: TargetHealth): void {
    if (target.taskArn === undefined) return;
    this.mark(`task\u0000${target.taskArn}`);
    if (health.state === "unhealthy") this.unhealthyTasks.add(`${target.taskArn}\u0000${target.targetGroupArn}\u0000${health.description ?? ""}`);
  }

  private mark(k: string): void {
    this.keys.mark(k);
  }

  private async markAll(): Promise<void> {
    for (const k of new Set(this.deactivating.values())) this.mark(k);
    for (const k of this.balanced) this.mark(k);
    if (this.listed) return;
    for await (const s of allServices(this.opts.store)) {
      if (s.status === "INACTIVE" || !isBalanced(s)) continue;
      this.balanced.add(key(s.cluster, s.name));
      this.mark(key(s.cluster, s.name));
    }
    this.listed = true;
  }

  /** One dirty key: a service's targets, or (`task\u0000<arn>`) a task's target health. */
  private async handle(k: string): Promise<void> {
    const [a = "", b = ""] = k.split("\u0000");
    try {
      if (a === "task") await this.syncHealth(b);
      else await this.syncService(a, b);
    } catch (err) {
      this.opts.logger.error({ err, what: k.replace("\u0000", "/") }, "load balancing: sync failed; retried on the next sweep");
    }
  }

  /** Registers, drains and removes the service's targets as its tasks come and go, in one write. */
  private async syncService(cluster: string, name: string): Promise<void> {
    const nowMs = this.opts.now();
    const outcome = await this.opts.store.write(async (tx) => {
      const service = await tx.services.get(cluster, name);
      if (!service) return undefined;
      const tasks = await tx.tasks.ofService(cluster, name);
      const groups = serviceTargetGroups(service);
      const delays = new Map<string, number>();
      const targetTypes = new Map<string, string>();
      const targets: TargetRecord[] = [];
      for (const arn of groups) {
        const tg = await tx.loadBalancing.targetGroup(arn);
        delays.set(arn, tg ? deregistrationDelayMs(tg.attributes) : 0);
        targetTypes.set(arn, tg?.targetType ?? "instance");
        targets.push(...(await tx.loadBalancing.targets(arn)).filter((t) => t.serviceArn === service.arn));
      }
      const taskArns = new Set(tasks.map((t) => t.arn));
      for (const t of tasks) for (const r of await tx.loadBalancing.targetsOfTask(t.arn)) if (!targets.some((x) => x.targetGroupArn === r.targetGroupArn && targetKey(x) === targetKey(r))) targets.push(r);
      const goneTasks = new Set<string>();
      for (const t of targets) {
        if (t.taskArn === undefined || taskArns.has(t.taskArn)) continue;
        const task = await tx.tasks.get(t.taskArn);
        if (!task || task.lastStatus === "STOPPED") goneTasks.add(t.taskArn);
      }
      const instanceIds = new Map<string, string>();
      for (const t of tasks) {
        if (instanceIds.has(t.containerInstanceArn)) continue;
        const ci = await tx.containerInstances.get(t.containerInstanceArn);
        if (ci) instanceIds.set(ci.arn, ci.ec2InstanceId);
      }
      const plan = planTargets({ service, tasks, targets, goneTasks, instanceIds, delayMs: (arn) => delays.get(arn) ?? 0, targetType: (arn) => targetTypes.get(arn) ?? "instance", nowMs });
      for (const t of plan.remove) await tx.loadBalancing.removeTarget(t.targetGroupArn, t.id, t.port);
      for (const t of plan.put) await tx.loadBalancing.putTarget(t);
      for (const arn of plan.release) {
        // Drained: the agent is now told to stop it (agentSpec), and sends SIGTERM.
        const task = await tx.tasks.get(arn);
        if (task?.lastStatus === "DEACTIVATING") await tx.tasks.put({ ...task, lastStatus: "STOPPING", version: task.version + 1 });
      }
      for (const arn of plan.registeredTasks) {
        const task = await tx.tasks.get(arn);
        if (task && task.targetHealth === undefined) await tx.tasks.put({ ...task, targetHealth: "INITIAL", version: task.version + 1 });
      }
      await addEvents(tx, service, plan.events, nowMs);
      return { changed: plan.put.length + plan.remove.length > 0, registered: plan.registeredTasks };
    });
    if (outcome === undefined) return;
    // Health may already be known (a re-registration) or not checked at all: judge it now.
    for (const arn of outcome.registered) this.mark(`task\u0000${arn}`);
    if (outcome.changed) this.opts.changed();
  }

  /** A task's targetHealth from its targets' health checks: HEALTHY when all are, UNHEALTHY when one is. */
  private async syncHealth(taskArn: string): Promise<void> {
    const nowMs = this.opts.now();
    const unhealthy = [...this.unhealthyTasks].filter((u) => u.startsWith(`${taskArn}\u0000`));
    unhealthy.forEach((u) => this.unhealthyTasks.delete(u));
    await this.opts.store.write(async (tx) => {
      const task = await tx.tasks.get(taskArn);
      if (!task || task.lastStatus !== "RUNNING" || task.spec.desiredStatus !== "RUNNING") return;
      const registered = (await tx.loadBalancing.targetsOfTask(taskArn)).filter((t) => t.state === "registered");
      if (registered.length === 0) return;
      const states: (string | undefined)[] = [];
      for (const t of registered) {
        // A group without health checks sends its targets traffic at once: they count as healthy.
        const checks = (await tx.loadBalancing.targetGroup(t.targetGroupArn))?.healthCheck.enabled ?? true;
        states.push(checks ? this.opts.health(t.targetGroupArn).get(targetKey(t))?.state : "healthy");
      }
      const next: TaskRecord["targetHealth"] = states.includes("unhealthy") ? "UNHEALTHY" : states.every((s) => s === "healthy") ? "HEALTHY" : "INITIAL";
      if (next !== task.targetHealth) await tx.tasks.put({ ...task, targetHealth: next, version: task.version + 1 });
      const service = task.serviceName === undefined ? undefined : await tx.services.get(task.cluster, task.serviceName);
      if (!service) return;
      const events = unhealthy.map((u) => {
        const [, tg = "", reason = ""] = u.split("\u0000");
        return lbMessages.unhealthy(service.name, task.id, tg, reason);
      });
      await addEvents(tx, service, events, nowMs);
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe();
    await this.keys.stop();
  }
}

async function addEvents(tx: WriteTx, service: ServiceRecord, messages: readonly string[], nowMs: number): Promise<void> {
  if (messages.length === 0) return;
  await tx.services.addEvents(service.arn, messages.map((message) => ({ id: randomUUID(), createdAtMs: nowMs, message })), eventsKept);
}
