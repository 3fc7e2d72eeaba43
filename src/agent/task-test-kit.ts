/**
 * Builders and a harness for in-process tests of the task actor and task manager: task specs
 * with overrides, an in-memory Docker engine on a manual clock, and a way to wait until every
 * actor has done all the work that Docker's events gave it (no sleeps).
 */
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { pino } from "pino";
import type { TaskReport, TaskSpec } from "../agent-protocol/messages.js";
import { InMemoryDocker, ManualClock } from "./docker/in-memory-docker.js";
import { agentLabelKeys } from "./docker/naming.js";
import { PortAllocator } from "./ports.js";
import { SubnetNetworks } from "./subnet-networks.js";
import { lateOomFlagMs, TaskActor, type TaskActorDeps } from "./task-actor.js";

export const instanceArn = "arn:aws:ecs:us-east-1:123456789012:container-instance/default/1f2e3d4c5b6a";

export const aContainer = (name: string, over: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name,
  image: "berth-test:latest",
  essential: true,
  ...over,
});

export const aTaskSpec = (over: Partial<TaskSpec> = {}): TaskSpec => ({
  taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef",
  family: "web",
  revision: 3,
  desiredStatus: "RUNNING",
  networkMode: "bridge",
  containers: [aContainer("app")],
  volumes: [],
  ...over,
});

/** A health check, so that the container has a health status (HEALTHY dependencies). */
export const withHealthCheck: Partial<ContainerDefinition> = { healthCheck: { command: ["CMD", "true"], interval: 5, retries: 1 } };

/** One host: a Docker engine, a clock, a port range and the reports the agent sends. */
export class Host {
  readonly clock = new ManualClock();
  readonly docker: InMemoryDocker;
  readonly reports: TaskReport[] = [];
  /** This host's agent's subnet networks; unused ones go at once (idle time 0). */
  readonly networks: SubnetNetworks;

  constructor(
    readonly portRange = { first: 45100, last: 45199 },
    images: readonly string[] = [],
  ) {
    this.docker = new InMemoryDocker({ clock: this.clock, images });
    this.networks = this.newNetworks();
  }

  /** Subnet networks of another agent on the same engine (`berth up` runs two). */
  newNetworks(): SubnetNetworks {
    return new SubnetNetworks({ docker: this.docker, idleMs: 0, logger: pino({ level: "silent" }) });
  }

  /** A fresh port allocator over the range: an agent process's own. */
  newPorts(): PortAllocator {
    return new PortAllocator(this.portRange, new Set(), { hostIp: "127.0.0.1" });
  }

  deps(over: Partial<TaskActorDeps> = {}): TaskActorDeps {
    return {
      docker: this.docker,
      ports: this.newPorts(),
      cluster: "default",
      containerInstanceArn: instanceArn,
      hostIp: "0.0.0.0",
      pullBehavior: "default",
      defaultStopTimeoutSeconds: 30,
      pause: { image: "berth-test:latest", command: ["sleep", "2147483647"] },
      networks: this.networks,
      injectedEnv: (id) => ({ ECS_CONTAINER_METADATA_URI_V4: `http://172.17.0.1:51679/v4/${id}` }),
      report: (r) => this.reports.push(r),
      logger: pino({ level: "silent" }),
      now: this.clock.now,
      after: this.clock.after,
      ...over,
    };
  }

  /** Task statuses as reported, repeats collapsed: e.g. PENDING, RUNNING, STOPPED. */
  statuses(taskArn = aTaskSpec().taskArn): string[] {
    return this.reports.filter((r) => r.taskArn === taskArn).map((r) => r.status).filter((s, i, all) => i === 0 || all[i - 1] !== s);
  }

  /** The last report of the task. */
  last(taskArn = aTaskSpec().taskArn): TaskReport {
    const r = this.reports.filter((x) => x.taskArn === taskArn).at(-1);
    if (!r) throw new Error(`no report of ${taskArn}`);
    return r;
  }

  /** Order of engine calls of one kind, by ECS container name (or image for pulls). */
  calls(op: "pull" | "create" | "start" | "stop" | "remove" | "ensure-network" | "remove-network"): string[] {
    return this.docker.calls.filter((c) => c.op === op).map((c) => c.target);
  }

  /**
   * Resolves once the engine's events are delivered and the actors' queues stay empty across
   * turns of the event loop: everything that follows from what the test did has happened.
   */
  async settle(actors: () => readonly TaskActor[]): Promise<void> {
    for (let quiet = 0; quiet < 3; ) {
      const before = actors().map((a) => a.settled());
      await Promise.all(before);
      await new Promise((resolve) => setImmediate(resolve));
      const now = actors();
      const same = this.docker.undelivered() === 0 && now.length === before.length && now.every((a, i) => a.settled() === before[i]);
      quiet = same ? quiet + 1 : 0;
    }
  }

  /**
   * Moves the clock past the agent's second look at an unexplained SIGKILL (`lateOomFlagMs`) once
   * an actor has started waiting for it (a new timer), or after a hundred turns of the event loop
   * in which none did.
   */
  async passLateOomWait(): Promise<void> {
    const before = this.clock.pending;
    for (let turn = 0; turn < 100 && this.clock.pending === before; turn++) await new Promise((resolve) => setImmediate(resolve));
    this.clock.advance(lateOomFlagMs);
  }

  /** Routes this engine's events to one actor, as the task manager does, until `signal` aborts. */
  route(actor: TaskActor, signal: AbortSignal): void {
    const loop = async (): Promise<void> => {
      for await (const e of this.docker.events({ filters: { type: ["container"] }, signal })) {
        const name = e.attributes[agentLabelKeys.containerName];
        if (name && e.attributes[agentLabelKeys.taskArn] === actor.spec.taskArn) actor.onContainerEvent(name, e.action);
      }
    };
    // An error here is an unhandled rejection, which fails the test run.
    void loop();
  }
}

/** Starts one task on `host`, its engine's events routed to its actor, and waits until nothing moves; `done` stops the routing. */
export async function startTask(spec: TaskSpec, host = new Host(), deps: Partial<TaskActorDeps> = {}) {
  const actor = new TaskActor(spec, host.deps(deps));
  const events = new AbortController();
  host.route(actor, events.signal);
  actor.desire(spec);
  await host.settle(() => [actor]);
  return { host, actor, settle: () => host.settle(() => [actor]), done: () => events.abort() };
}
