/**
 * awsvpc on one host: each task gets a network namespace of its own, held by a pause container (as
 * the ECS agent does), on a Docker bridge network per subnet (`berth-<subnet id>`, its address
 * range picked by Docker). The task's containers join the pause container's namespace
 * (`NetworkMode: container:<pause>`): they share its address and reach each other on localhost,
 * and their ports are served at that address, never published on the host.
 */
import type { DockerEngine } from "./docker-engine.js";
import type { ContainerCreateSpec, HostConfigSpec } from "./docker-spec.js";

/** The Docker network that stands for a subnet. */
export const subnetNetworkName = (subnet: string): string => `berth-${subnet}`;

/** Labels of a subnet network, so that an operator can tell Berth's networks from others. */
export const subnetNetworkLabels = (subnet: string): Record<string, string> => ({ "berth.subnet": subnet });

/** The pause container's label naming its task: found by it after an agent restart, and never adopted as a task container. */
export const pauseOfLabel = "berth.pause-of";

/** A task's interface as its pause container has it: the address and MAC Docker gave it on the subnet's network. */
export interface NetworkInterface {
  readonly privateIPv4Address: string;
  readonly macAddress: string;
}

export interface PauseSettings {
  readonly image: string;
  /** Replaces the image's entrypoint when set (an image whose own command does not just wait). */
  readonly command?: readonly string[] | undefined;
}

/**
 * The label of a pause container started ahead for the subnet it names (pause-pool.ts): never a
 * task's until claimed, and then renamed {@link claimedPauseName} (labels cannot change).
 */
export const pausePoolLabel = "berth.pause-pool";

/** The name a pooled pause container takes when a task claims it: the task's identity, found again after an agent restart. */
export const claimedPauseName = (taskId: string): string => `berth-pause-${taskId}`;

/** The task id a claimed pooled pause container's name carries; undefined for any other name. */
export const claimedTaskId = (name: string): string | undefined => /^berth-pause-([0-9a-zA-Z]+)$/.exec(name)?.[1];

/** The pause container's create request: on the subnet's network, no ports, tiny limits, the instance's label; its task's, or the pool's. */
export function pauseCreateSpec(input: {
  readonly name: string;
  /** The task it is made for; undefined: started ahead, for the pool of `subnet`. */
  readonly taskArn: string | undefined;
  readonly subnet: string;
  readonly pause: PauseSettings;
  readonly labels: Readonly<Record<string, string>>;
  /** The task's cgroup, when the agent made one: the pause container counts against the task's limits too. */
  readonly cgroupParent?: string | undefined;
}): ContainerCreateSpec {
  return waitingContainerSpec({
    ...input,
    labels: { ...input.labels, ...(input.taskArn === undefined ? { [pausePoolLabel]: input.subnet } : { [pauseOfLabel]: input.taskArn }) },
    hostConfig: { NetworkMode: subnetNetworkName(input.subnet) },
  });
}

/** What every pause container is: the pause image, waiting and nothing more, with tiny limits, in the task's cgroup when it has one. */
export function waitingContainerSpec(input: {
  readonly name: string;
  readonly pause: PauseSettings;
  readonly labels: Readonly<Record<string, string>>;
  readonly cgroupParent?: string | undefined;
  readonly hostConfig: Pick<HostConfigSpec, "NetworkMode" | "IpcMode">;
}): ContainerCreateSpec {
  const [entry, ...args] = input.pause.command ?? [];
  return {
    name: input.name,
    Image: input.pause.image,
    ...(entry !== undefined && { Entrypoint: [entry], Cmd: args }),
    Env: [],
    Labels: { ...input.labels },
    // Waiting is all it does; SIGKILL at once is no loss.
    StopTimeout: 0,
    HostConfig: {
      ...input.hostConfig,
      CpuShares: 2,
      Memory: 16 * 1024 * 1024,
      ...(input.cgroupParent !== undefined && { CgroupParent: input.cgroupParent }),
    },
  };
}

/** Removes a task's pause container: the one the agent knows, and any its `label` finds (made by an agent since restarted). */
export async function removePause(docker: DockerEngine, label: string, taskArn: string, known: string | undefined): Promise<void> {
  const found = await docker.listContainers({ [label]: taskArn });
  for (const id of new Set([...(known === undefined ? [] : [known]), ...found.map((c) => c.id)])) await docker.removeContainer(id, { force: true });
}
