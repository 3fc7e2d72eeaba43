import { arnId } from "../domain/arn.js";
import { pauseOfLabel } from "./docker/pause-container.js";
import type { TaskReport, TaskSpec } from "../agent-protocol/messages.js";
import type { DockerEngine, ListedContainer } from "./docker/docker-engine.js";
import { agentLabelKeys, parseAgentLabels } from "./docker/naming.js";
import { instanceLabel, TaskActor, type TaskActorDeps } from "./task-actor.js";
import { namespaceOfLabel } from "./task-shared-namespaces.js";

export interface TaskManagerOptions extends Omit<TaskActorDeps, "report"> {
  readonly docker: DockerEngine;
  /** How long stopped containers stay before they are removed (ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION). */
  readonly cleanupWaitMs: number;
  readonly report: (r: TaskReport) => void;
}

/**
 * All tasks on this host: one actor per task, Docker events routed to their actor, containers
 * re-adopted by their labels after a restart, and stopped tasks cleaned up after the wait.
 */
export class TaskManager {
  readonly actors = new Map<string, TaskActor>();
  private readonly events = new AbortController();
  private readonly cleanups = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: TaskManagerOptions) {}

  /** Finds this instance's containers in Docker and rebuilds their tasks' actors from them. */
  async adopt(): Promise<void> {
    const found = await this.opts.docker.listContainers({ [instanceLabel]: this.opts.containerInstanceArn });
    // A task's pause containers, each kind by the label naming its task, and how its actor takes one back.
    const pauses: ReadonlyArray<readonly [label: string, adopt: (actor: TaskActor, c: ListedContainer) => Promise<void> | void]> = [
      [pauseOfLabel, async (actor, c) => actor.adoptPause(c.id, c.name, await this.opts.docker.inspectContainer(c.id))],
      [namespaceOfLabel, (actor, c) => actor.adoptSharedNamespaces(c.id, c.name)],
    ];
    for (const container of found) {
      if (pauses.some(([label]) => container.labels[label] !== undefined)) continue; // after the tasks' own containers, below
      const identity = parseAgentLabels(container.labels);
      if (!identity) continue;
      let actor = this.actors.get(identity.taskArn);
      if (!actor) {
        const spec: TaskSpec = {
          taskArn: identity.taskArn,
          family: identity.family ?? "",
          revision: Number(identity.revision ?? 0),
          desiredStatus: "RUNNING",
          networkMode: "bridge",
          containers: [],
          volumes: [],
        };
        actor = new TaskActor(spec, this.actorDeps());
        this.actors.set(identity.taskArn, actor);
      }
      const inspect = await this.opts.docker.inspectContainer(container.id);
      actor.adopt(identity.containerName, container.id, container.name, inspect, await this.opts.docker.imageDigest(inspect.Config?.Image ?? "", inspect.Image));
      this.opts.ports.claim(Object.values(inspect.NetworkSettings?.Ports ?? {}).flatMap((hs) => (hs ?? []).map((h) => Number(h.HostPort))));
    }
    for (const [label, adopt] of pauses) {
      for (const pause of found.filter((c) => c.labels[label] !== undefined)) {
        const actor = this.actors.get(pause.labels[label] ?? "");
        // A pause container whose task left no container behind holds a namespace (and an address) for nothing.
        if (actor) await adopt(actor, pause);
        else await this.opts.docker.removeContainer(pause.id, { force: true });
      }
    }
    // Pause containers started ahead: one a task claimed (renamed for it) is that task's namespace; the others go.
    const pool = this.opts.pausePool;
    if (pool) {
      await pool.sweep(found, async (taskId, c) => {
        const actor = [...this.actors.values()].find((a) => arnId(a.spec.taskArn) === taskId);
        if (actor) actor.adoptPause(c.id, c.name, await this.opts.docker.inspectContainer(c.id));
        return actor !== undefined;
      });
    }
    this.opts.logger.info({ tasks: this.actors.size, containers: found.length }, "re-adopted containers");
  }

  /** Watches Docker for container events of this instance's tasks until stopped. */
  watchDocker(): void {
    const loop = async (afterGap: boolean) => {
      if (afterGap) {
        // Events were missed while the stream was down: once the engine answers, every actor re-reads its containers.
        await this.opts.docker.version();
        for (const actor of this.actors.values()) for (const name of actor.containers.keys()) actor.onContainerEvent(name, "die");
      }
      const stream = this.opts.docker.events({
        filters: { type: ["container"], label: [`${instanceLabel}=${this.opts.containerInstanceArn}`] },
        signal: this.events.signal,
      });
      for await (const e of stream) {
        const taskArn = e.attributes[agentLabelKeys.taskArn];
        const name = e.attributes[agentLabelKeys.containerName];
        if (taskArn && name) this.actors.get(taskArn)?.onContainerEvent(name, e.action);
      }
    };
    const again = (err: unknown) => {
      if (this.events.signal.aborted) return;
      this.opts.logger.warn({ err }, "Docker event stream ended; reconnecting");
      setTimeout(() => void loop(true).then(() => again(undefined), again), 1000);
    };
    void loop(false).then(() => again(undefined), again);
  }

  /**
   * Desired state from the server. With `complete`, the list is everything the server wants here:
   * a task it no longer lists is stopped (it was stopped or replaced while the agent was away).
   */
  apply(specs: readonly TaskSpec[], complete: boolean): void {
    const listed = new Set<string>();
    for (const spec of specs) {
      listed.add(spec.taskArn);
      let actor = this.actors.get(spec.taskArn);
      if (!actor) {
        if (spec.desiredStatus === "STOPPED") continue;
        actor = new TaskActor(spec, this.actorDeps());
        this.actors.set(spec.taskArn, actor);
      }
      actor.desire(spec);
    }
    if (!complete) return;
    for (const [arn, actor] of this.actors) {
      if (!listed.has(arn) && actor.phase !== "STOPPED") {
        actor.desire({ ...actor.spec, desiredStatus: "STOPPED", stopReason: "Task is not wanted on this instance any more" });
      }
    }
  }

  knownTasks(): TaskReport[] {
    return [...this.actors.values()].map((a) => a.toReport());
  }

  private actorDeps(): TaskActorDeps {
    return {
      ...this.opts,
      report: (r) => {
        this.opts.report(r);
        if (r.status === "STOPPED") this.scheduleCleanup(r.taskArn);
      },
    };
  }

  private scheduleCleanup(taskArn: string): void {
    if (this.cleanups.has(taskArn)) return;
    const timer = setTimeout(() => {
      this.cleanups.delete(taskArn);
      const actor = this.actors.get(taskArn);
      if (!actor) return;
      actor
        .cleanUp()
        .then(() => this.actors.delete(taskArn))
        .catch((err: unknown) => this.opts.logger.warn({ err, task: taskArn }, "cleanup failed"));
    }, this.opts.cleanupWaitMs);
    this.cleanups.set(taskArn, timer);
  }

  stop(): void {
    this.events.abort();
    this.cleanups.forEach((t) => clearTimeout(t));
  }
}
