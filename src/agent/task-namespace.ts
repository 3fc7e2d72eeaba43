/**
 * An awsvpc task's network namespace: its pause container (docker/pause-container.ts) on its
 * subnet's network, which this task holds (subnet-networks.ts) from before the pause container is
 * created until it is removed. Only the task actor uses it; it decides nothing about the task.
 *
 * Creating and starting are two steps so that the actor can create the task's own containers
 * (which only name the pause container) while the pause container starts.
 */
import type { DockerEngine, InspectedContainer } from "./docker/docker-engine.js";
import { DockerError } from "./docker/errors.js";
import { pauseCreateSpec, pauseOfLabel, removePause, type NetworkInterface, type PauseSettings } from "./docker/pause-container.js";
import type { PausePool } from "./pause-pool.js";
import type { SubnetNetworks } from "./subnet-networks.js";

export interface TaskNamespaceDeps {
  readonly docker: DockerEngine;
  readonly networks: SubnetNetworks;
  readonly pause: PauseSettings;
  /** Labels every pause container of this agent carries (its instance's). */
  readonly labels: Readonly<Record<string, string>>;
  /** Pause containers started ahead (pause-pool.ts); without it every task makes its own. */
  readonly pool?: PausePool | undefined;
}


export class TaskNamespace {
  /** The pause container, once created (or adopted). */
  container?: { readonly id: string; readonly name: string };
  /** The network this task holds, by name. */
  private held?: string;
  /** The address of a pooled pause container this task claimed: started already. */
  private claimed?: NetworkInterface;

  constructor(private readonly deps: TaskNamespaceDeps) {}

  /**
   * Holds the subnet's network and creates the pause container on it. A create that fails is tried
   * once more after what it needs is made sure of: the network (another agent on the engine may have
   * removed it) and the pause image (pulled only then: no image check on every task).
   */
  async create(input: { readonly name: string; readonly taskArn: string; readonly taskId: string; readonly subnet: string; readonly cgroupParent?: string | undefined }): Promise<void> {
    const pooled = this.held === undefined ? await this.deps.pool?.claim(input.subnet, input.taskId) : undefined;
    if (pooled !== undefined) {
      // The pool's hold on the network is the task's now.
      this.held = pooled.network;
      this.container = { id: pooled.id, name: pooled.name };
      this.claimed = pooled.eni;
      return;
    }
    this.held ??= await this.deps.networks.acquire(input.subnet);
    const spec = pauseCreateSpec({ name: input.name, taskArn: input.taskArn, subnet: input.subnet, cgroupParent: input.cgroupParent, pause: this.deps.pause, labels: this.deps.labels });
    let id: string;
    try {
      id = await this.deps.docker.createContainer(spec);
    } catch (err) {
      await this.deps.networks.recheck(input.subnet);
      await this.deps.docker.pullImage(this.deps.pause.image, { behavior: "prefer-cached" });
      try {
        id = await this.deps.docker.createContainer(spec);
      } catch {
        throw err; // the first refusal says what went wrong
      }
    }
    this.container = { id, name: input.name };
  }

  /** Starts the pause container: resolves with the address Docker gave the task on the subnet's network. */
  async start(subnet: string): Promise<NetworkInterface> {
    const pause = this.container;
    if (pause === undefined || this.held === undefined) throw new DockerError("CannotStartContainerError", "the task's pause container was not created");
    if (this.claimed !== undefined) return this.claimed;
    try {
      await this.deps.docker.startContainer(pause.id);
    } catch (err) {
      // Docker makes a container's endpoints at start: another agent may have removed the network since the create.
      if (!(await this.deps.networks.recheck(subnet))) throw err;
      await this.deps.docker.startContainer(pause.id);
    }
    const network = (await this.deps.docker.inspectContainer(pause.id)).NetworkSettings?.Networks?.[this.held];
    if (!network?.IPAddress) throw new DockerError("CannotStartContainerError", `the pause container got no address on ${this.held}`);
    return { privateIPv4Address: network.IPAddress, macAddress: network.MacAddress ?? "" };
  }

  /** Re-adopts the pause container after an agent restart: the task keeps its network, namespace and address. */
  adopt(id: string, name: string, inspect: InspectedContainer): NetworkInterface | undefined {
    this.container = { id, name };
    // A pause container is on its subnet's network only; one that has exited keeps the name, without an address.
    const [networkName, network] = Object.entries(inspect.NetworkSettings?.Networks ?? {})[0] ?? [];
    if (networkName !== undefined && this.held === undefined) {
      this.held = networkName;
      this.deps.networks.adopt(networkName);
    }
    return network && network.IPAddress !== "" ? { privateIPv4Address: network.IPAddress, macAddress: network.MacAddress ?? "" } : undefined;
  }

  /** Removes the pause container (found by its label too, after an agent restart) and lets go of the network. */
  async release(taskArn: string): Promise<void> {
    await removePause(this.deps.docker, pauseOfLabel, taskArn, this.container?.id);
    this.container = undefined;
    if (this.held !== undefined) this.deps.networks.release(this.held);
    this.held = undefined;
  }

}
