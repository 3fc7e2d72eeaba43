/**
 * A task's shared process and IPC namespaces (`pidMode: task`, `ipcMode: task`): held, as the ECS
 * agent holds them, by a namespace pause container (`~internal~ecs~pause~namespace`) that the
 * task's containers join (`PidMode`/`IpcMode: container:<pause>`). It has no network (an awsvpc
 * task's network is its other pause container's), waits and nothing more, and goes with the task.
 * Only the task actor uses it.
 */
import type { TaskSpec } from "../agent-protocol/messages.js";
import type { DockerEngine } from "./docker/docker-engine.js";
import { dockerObjectName, nameSuffix, randomInt63 } from "./docker/naming.js";
import { removePause, waitingContainerSpec, type PauseSettings } from "./docker/pause-container.js";

/** The namespace pause container's label naming its task: found by it after an agent restart, never adopted as a task container. */
export const namespaceOfLabel = "berth.namespace-of";

/** The ECS agent's name for the container that holds a task's shared namespaces. */
export const namespacePauseName = "~internal~ecs~pause~namespace";

/** Whether the task's containers share namespaces through a pause container. */
export const sharesNamespaces = (spec: Pick<TaskSpec, "pidMode" | "ipcMode">): boolean => spec.pidMode === "task" || spec.ipcMode === "task";

export class SharedNamespaces {
  /** The pause container, once created (or adopted). */
  private container?: { readonly id: string; readonly name: string };

  constructor(private readonly deps: { readonly docker: DockerEngine; readonly pause: PauseSettings; readonly labels: Readonly<Record<string, string>> }) {}

  /** The Docker name the task's containers join. */
  get name(): string | undefined {
    return this.container?.name;
  }

  /** Creates the pause container (pulling its image if missing): the task's containers may then be created to join it. */
  async create(spec: TaskSpec, cgroupParent: string | undefined): Promise<void> {
    if (this.container !== undefined) return;
    const name = dockerObjectName({ family: spec.family, revision: spec.revision, name: namespacePauseName }, nameSuffix(randomInt63()));
    await this.deps.docker.pullImage(this.deps.pause.image, { behavior: "prefer-cached" });
    // Others may join its IPC namespace only when Docker made it shareable.
    const create = waitingContainerSpec({
      name,
      pause: this.deps.pause,
      labels: { ...this.deps.labels, [namespaceOfLabel]: spec.taskArn },
      cgroupParent,
      hostConfig: { NetworkMode: "none", ...(spec.ipcMode === "task" && { IpcMode: "shareable" }) },
    });
    const id = await this.deps.docker.createContainer(create);
    this.container = { id, name };
  }

  /** Starts it, before any of the task's containers (in the task's cgroup, once made). */
  async start(): Promise<void> {
    if (this.container !== undefined) await this.deps.docker.startContainer(this.container.id);
  }

  /** Re-adopts the pause container after an agent restart. */
  adopt(id: string, name: string): void {
    this.container = { id, name };
  }

  /** Stops it, once the task's containers have stopped: they are in its namespaces. */
  async stop(): Promise<void> {
    if (this.container !== undefined) await this.deps.docker.stopContainer(this.container.id, 0);
  }

  /** Removes it (found by its label too, after an agent restart). */
  async release(taskArn: string): Promise<void> {
    await removePause(this.deps.docker, namespaceOfLabel, taskArn, this.container?.id);
    this.container = undefined;
  }
}
