/**
 * The agent's only door to the Docker engine: a thin wrapper over dockerode in which every call
 * has a named timeout and every failure is a {@link DockerError} carrying the ECS agent's name.
 *
 * A timeout abandons the HTTP request; the engine may still finish the operation (a create that
 * timed out can leave a container behind). Callers find such leftovers by name and label, as the
 * ECS agent does, so nothing here retries.
 */
import { networkInterfaces } from "node:os";
import Docker from "dockerode";
import { formatGoDuration } from "../config/go-duration.js";
import { bridgeAddress, type BridgeNetwork } from "./bridge-address.js";
import { DockerError, dockerErrorNames } from "./errors.js";
import type { ContainerCreateSpec } from "./docker-spec.js";
import { pullPlan, pullReference, type ImagePullBehavior } from "./pull-policy.js";
import { readJsonLines, errorMessage, statusCode, stringField } from "./engine-json.js";
import { parseDockerEvent, type DockerEvent } from "./docker-events.js";
import type { DockerEngine, InspectedVolume, ListedContainer, PullOutcome, VolumeCreateSpec } from "./docker-engine.js";
import { repositoryOf } from "../../domain/image-refs.js";

/** Per-operation limits, in milliseconds. Defaults are the ECS agent's. */
export interface DockerTimeouts {
  /** ECS_IMAGE_PULL_TIMEOUT: a whole pull, layers included. */
  readonly pullMs: number;
  /** ECS_CONTAINER_CREATE_TIMEOUT. */
  readonly createMs: number;
  /** ECS_CONTAINER_START_TIMEOUT: runc and the network namespace (~0.3 s here; minutes under load). */
  readonly startMs: number;
  /** Added to the container's stop timeout: the engine itself waits that long before SIGKILL. */
  readonly stopMarginMs: number;
  readonly inspectMs: number;
  readonly removeMs: number;
  readonly listMs: number;
  /** Version, ping and image inspect: cheap calls that only a wedged engine makes slow. */
  readonly pingMs: number;
  /** Opening the events stream (the stream itself has no limit). */
  readonly eventsConnectMs: number;
}

export const defaultDockerTimeouts: DockerTimeouts = {
  pullMs: 2 * 3_600_000,
  createMs: 4 * 60_000,
  startMs: 3 * 60_000,
  stopMarginMs: 30_000,
  inspectMs: 30_000,
  removeMs: 5 * 60_000,
  listMs: 10 * 60_000,
  pingMs: 10_000,
  eventsConnectMs: 30_000,
};

type Operation = keyof typeof dockerErrorNames;

/** Compile-time proof that our typed create body is one dockerode accepts. */
const asDockerodeOptions = (spec: ContainerCreateSpec): Docker.ContainerCreateOptions => spec;

export class DockerClient implements DockerEngine {
  readonly timeouts: DockerTimeouts;
  readonly #docker: Docker;

  constructor(options: { readonly docker?: Docker; readonly timeouts?: Partial<DockerTimeouts> } = {}) {
    this.#docker = options.docker ?? new Docker();
    this.timeouts = { ...defaultDockerTimeouts, ...options.timeouts };
  }

  /** Engine version and API version (the agent reports them as instance attributes). */
  async version(): Promise<{ version: string; apiVersion: string }> {
    const v = await this.#call("inspect", this.timeouts.pingMs, "version", () => this.#docker.version());
    return { version: v.Version, apiVersion: v.ApiVersion };
  }

  /**
   * ECS's `imageDigest`: the registry's manifest digest (`RepoDigests`) of the image, or of the
   * image with that id, in the reference's repository. An image built on this host has none, and
   * the ECS agent then reports none.
   */
  async imageDigest(image: string, id?: string): Promise<string | undefined> {
    return this.#call("inspect", this.timeouts.inspectMs, "image inspected", async () => {
      try {
        const info = await this.#docker.getImage(id ?? image).inspect();
        return repoDigestFor(image, info.RepoDigests ?? []);
      } catch (e) {
        if (statusCode(e) === 404) return undefined;
        throw e;
      }
    });
  }

  /**
   * The engine's own id (`docker info` ID): agents that share one engine share its host ports, and
   * register this id so that placement never gives two of them the same one.
   */
  async engineId(): Promise<string> {
    const info = await this.#call("inspect", this.timeouts.pingMs, "info", () => this.#docker.info() as Promise<{ ID?: unknown }>);
    return typeof info.ID === "string" && info.ID !== "" ? info.ID : "unknown";
  }

  /** Whether the image is in the local engine. */
  async imageExists(image: string): Promise<boolean> {
    return this.#call("pull", this.timeouts.pingMs, "image inspected", async () => {
      try {
        await this.#docker.getImage(image).inspect();
        return true;
      } catch (e) {
        if (statusCode(e) === 404) return false;
        throw e;
      }
    });
  }

  /**
   * Makes the image available as `ECS_IMAGE_PULL_BEHAVIOR` says. `pulledBefore` is the caller's
   * record that this agent pulled the image already (for "once").
   */
  async pullImage(
    image: string,
    options: { readonly behavior: ImagePullBehavior; readonly pulledBefore?: boolean; readonly auth?: Docker.AuthConfig },
  ): Promise<PullOutcome> {
    const cached = await this.imageExists(image);
    const plan = pullPlan(options.behavior, { cached, pulledBefore: options.pulledBefore ?? false });
    if (plan === "cached") return { source: "cached" };
    try {
      await this.#call("pull", this.timeouts.pullMs, "pulled", (abortSignal) => this.#pull(image, abortSignal, options.auth));
      return { source: "pulled" };
    } catch (e) {
      if (plan === "pull-or-cached" && e instanceof DockerError) return { source: "cached", pullError: e.message };
      throw e;
    }
  }

  async #pull(image: string, abortSignal: AbortSignal, auth: Docker.AuthConfig | undefined): Promise<void> {
    const stream: NodeJS.ReadableStream = await this.#docker.pull(pullReference(image), { abortSignal, ...(auth && { authconfig: auth }) });
    // Pull failures after the HTTP 200 arrive as {"error": …} lines in the progress stream.
    for await (const line of readJsonLines(stream)) {
      const error = stringField(line, "error");
      if (error !== undefined) throw new Error(error);
    }
  }

  /** Creates the container and returns its Docker id. */
  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    const container = await this.#call("create", this.timeouts.createMs, "created", (abortSignal) =>
      this.#docker.createContainer({ ...asDockerodeOptions(spec), abortSignal }),
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.#call("start", this.timeouts.startMs, "started", async (abortSignal) => {
      try {
        await this.#docker.getContainer(id).start({ abortSignal });
      } catch (e) {
        if (statusCode(e) !== 304) throw e; // already running: the goal holds
      }
    });
  }

  async renameContainer(id: string, name: string): Promise<void> {
    await this.#call("create", this.timeouts.inspectMs, "renamed", (abortSignal) => this.#docker.getContainer(id).rename({ name, abortSignal }));
  }

  /**
   * SIGTERM, then SIGKILL after `stopTimeoutSeconds` (ECS stopTimeout). The request may take that
   * long, so its own limit is the grace plus a margin.
   */
  async stopContainer(id: string, stopTimeoutSeconds: number): Promise<void> {
    const limit = stopTimeoutSeconds * 1000 + this.timeouts.stopMarginMs;
    await this.#call("stop", limit, "stopped", async (abortSignal) => {
      try {
        await this.#docker.getContainer(id).stop({ t: stopTimeoutSeconds, abortSignal });
      } catch (e) {
        if (statusCode(e) !== 304) throw e; // already stopped
      }
    });
  }

  async inspectContainer(id: string): Promise<Docker.ContainerInspectInfo> {
    return this.#call("inspect", this.timeouts.inspectMs, "inspected", (abortSignal) =>
      this.#docker.getContainer(id).inspect({ abortSignal }),
    );
  }

  /** The default bridge network's gateway: the host's address as bridge-mode containers reach it (see bridge-address.ts). */
  async bridgeGateway(): Promise<string | undefined> {
    const network = await this.#call("inspect", this.timeouts.inspectMs, "inspected", () =>
      this.#docker.getNetwork("bridge").inspect() as Promise<BridgeNetwork>,
    );
    const device = network.Options?.["com.docker.network.bridge.name"] ?? "docker0";
    return bridgeAddress(network, networkInterfaces()[device]?.find((a) => a.family === "IPv4")?.address);
  }

  /** One sample of a container's resource use: Docker's stats JSON, as the metadata endpoint serves it. */
  async stats(id: string): Promise<unknown> {
    return this.#call("inspect", this.timeouts.inspectMs, "sampled", (abortSignal) =>
      this.#docker.getContainer(id).stats({ stream: false, ...{ abortSignal } }),
    );
  }

  /**
   * One immediate sample (`one-shot`: the engine does not wait a second for a second reading), for
   * the agent's statistics rounds, which compare consecutive samples themselves.
   */
  async sampleStats(id: string): Promise<unknown> {
    return this.#call("inspect", this.timeouts.inspectMs, "sampled", (abortSignal) =>
      this.#docker.getContainer(id).stats({ stream: false, "one-shot": true, ...{ abortSignal } }),
    );
  }

  /** Removes a container and its anonymous volumes; a container already gone counts as removed. */
  async removeContainer(id: string, options: { readonly force?: boolean } = {}): Promise<void> {
    await this.#call("remove", this.timeouts.removeMs, "removed", async (abortSignal) => {
      try {
        await this.#docker.getContainer(id).remove({ v: true, force: options.force ?? false, abortSignal });
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
      }
    });
  }

  /** Network creations under way, by name: Docker does not refuse a second network of one name created at the same moment. */
  readonly #creatingNetworks = new Map<string, Promise<"created" | "existed">>();

  async ensureNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<"created" | "existed"> {
    const pending = this.#creatingNetworks.get(name);
    if (pending) return pending;
    const creation = this.#ensureNetwork(name, labels).finally(() => this.#creatingNetworks.delete(name));
    this.#creatingNetworks.set(name, creation);
    return creation;
  }

  async #ensureNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<"created" | "existed"> {
    return this.#call("create", this.timeouts.createMs, "network created", async (abortSignal) => {
      try {
        await this.#docker.getNetwork(name).inspect();
        return "existed";
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
      }
      try {
        await this.#docker.createNetwork({ Name: name, Driver: "bridge", CheckDuplicate: true, Labels: { ...labels }, abortSignal });
        return "created";
      } catch (e) {
        if (statusCode(e) !== 409) throw e; // another agent on this engine created it first
        return "existed";
      }
    });
  }

  async removeNetwork(name: string): Promise<void> {
    await this.#call("remove", this.timeouts.removeMs, "network removed", async (abortSignal) => {
      try {
        await this.#docker.getNetwork(name).remove({ abortSignal });
      } catch (e) {
        // 404: gone already; 403/409: other tasks' containers still use it, and the last one removes it.
        if (![403, 404, 409].includes(statusCode(e) ?? 0)) throw e;
      }
    });
  }

  async createVolume(spec: VolumeCreateSpec): Promise<void> {
    await this.#call("volume", this.timeouts.createMs, "volume created", (abortSignal) =>
      this.#docker.createVolume({ Name: spec.Name, Driver: spec.Driver, DriverOpts: { ...spec.DriverOpts }, Labels: { ...spec.Labels }, abortSignal }),
    );
  }

  async inspectVolume(name: string): Promise<InspectedVolume | undefined> {
    return this.#call("volume", this.timeouts.inspectMs, "volume inspected", async (abortSignal) => {
      try {
        return await this.#docker.getVolume(name).inspect({ abortSignal });
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
        return undefined;
      }
    });
  }

  async listVolumes(labels: Readonly<Record<string, string>>): Promise<InspectedVolume[]> {
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const found = await this.#call("list", this.timeouts.listMs, "listed", (abortSignal) => this.#docker.listVolumes({ filters: { label }, abortSignal }));
    return found.Volumes ?? [];
  }

  async removeVolume(name: string): Promise<void> {
    await this.#call("remove", this.timeouts.removeMs, "volume removed", async (abortSignal) => {
      try {
        await this.#docker.getVolume(name).remove({ abortSignal });
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
      }
    });
  }

  /** All containers (running or not) carrying every given label; `true` matches any value. */
  async listContainers(labels: Readonly<Record<string, string | true>>): Promise<ListedContainer[]> {
    const label = Object.entries(labels).map(([k, v]) => (v === true ? k : `${k}=${v}`));
    const found = await this.#call("list", this.timeouts.listMs, "listed", (abortSignal) =>
      this.#docker.listContainers({ all: true, filters: { label }, abortSignal }),
    );
    return found.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? "").replace(/^\//, ""),
      image: c.Image,
      state: c.State,
      labels: c.Labels ?? {},
    }));
  }

  /**
   * Engine events until `signal` aborts, e.g. `{ type: ["container"], label: ["com.amazonaws.ecs.task-arn"] }`.
   * Only opening the stream has a time limit. Lines that are not events are skipped.
   */
  async *events(options: { readonly filters?: Readonly<Record<string, string[]>>; readonly signal: AbortSignal }): AsyncGenerator<DockerEvent> {
    const { signal } = options;
    // The stream outlives #call, so the caller's signal must be able to end it; #call's signal
    // still ends a connection attempt that timed out.
    const stream: NodeJS.ReadableStream = await this.#call("list", this.timeouts.eventsConnectMs, "listening for events", (callSignal) =>
      this.#docker.getEvents({ filters: options.filters ?? {}, abortSignal: AbortSignal.any([signal, callSignal]) }),
    );
    try {
      for await (const line of readJsonLines(stream)) {
        const event = parseDockerEvent(line);
        if (event) yield event;
      }
    } catch (e) {
      if (!signal.aborted) throw new DockerError("CannotListContainersError", `event stream failed: ${errorMessage(e)}`, { cause: e });
    }
  }

  /**
   * Runs one engine call under a limit: a DockerTimeoutError in the ECS agent's words when the
   * limit passes, or the operation's named error when the engine refuses.
   */
  async #call<T>(op: Operation, limitMs: number, transition: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DockerError("DockerTimeoutError", `Could not transition to ${transition}; timed out after waiting ${formatGoDuration(limitMs)}`));
      }, limitMs);
    });
    try {
      return await Promise.race([fn(controller.signal), timedOut]);
    } catch (e) {
      if (e instanceof DockerError) throw e;
      throw new DockerError(dockerErrorNames[op], errorMessage(e), { cause: e, statusCode: statusCode(e) });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The digest of `repo@sha256:…` among RepoDigests whose repository is the image's (without tag or digest). */
export function repoDigestFor(image: string, repoDigests: readonly string[]): string | undefined {
  const at = image.indexOf("@");
  if (at >= 0) return image.slice(at + 1);
  const repository = repositoryOf(image);
  const candidates = [repository, `docker.io/${repository}`, `docker.io/library/${repository}`];
  for (const entry of repoDigests) {
    const i = entry.indexOf("@");
    if (i > 0 && candidates.includes(entry.slice(0, i))) return entry.slice(i + 1);
  }
  return undefined;
}
