/**
 * An in-memory Docker engine for in-process tests of the task actor and task manager. It keeps
 * containers as the Engine does (state, exit code, OOM flag, health, labels, port bindings) and
 * emits the container events the real event stream delivers, so the code under test cannot tell
 * it from {@link DockerClient} except by timing. Tests script what happens: a container exits,
 * is OOM-killed, turns unhealthy, ignores SIGTERM; a pull, create or start fails or times out.
 *
 * Where it mirrors the engine on purpose: a stopped container's inspect has no published ports;
 * `stop` sends SIGTERM and SIGKILL after the timeout (on the injected clock); names are unique;
 * missing containers are 404s.
 */
import { createHash } from "node:crypto";
import { formatGoDuration } from "../config/go-duration.js";
import type { DockerEngine, InspectedContainer, InspectedVolume, ListedContainer, PullOutcome, VolumeCreateSpec } from "./docker-engine.js";
import type { ContainerCreateSpec } from "./docker-spec.js";
import type { DockerEvent } from "./docker-events.js";
import { defaultDockerTimeouts, type DockerTimeouts } from "./docker-client.js";
import { DockerError } from "./errors.js";
import { agentLabelKeys } from "./naming.js";
import { pullPlan, type ImagePullBehavior } from "./pull-policy.js";

/** A clock tests move by hand; what is due after a while runs when the clock passes it. */
export class ManualClock {
  private timers: Array<{ readonly at: number; readonly fn: () => void }> = [];
  constructor(private ms = Date.UTC(2026, 0, 1)) {}
  readonly now = (): number => this.ms;
  readonly after = (ms: number, fn: () => void): void => {
    this.timers.push({ at: this.ms + ms, fn });
  };
  /** Timers not yet due. */
  get pending(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    this.ms += ms;
    const due = this.timers.filter((t) => t.at <= this.ms);
    this.timers = this.timers.filter((t) => t.at > this.ms);
    due.forEach((t) => t.fn());
  }
}

/** What a container does, keyed by its ECS container name (or Docker name). */
export interface ContainerScript {
  /** Its process ends with this code right after it starts (one-shot containers). */
  readonly exitOnStart?: number;
  /** Its first health check's verdict, right after it starts (only with a Healthcheck). */
  readonly healthOnStart?: "healthy" | "unhealthy";
  /** On SIGTERM it exits with this code (default 143, killed by the signal); `ignore`: it is SIGKILLed after the stop timeout. */
  readonly onSigterm?: number | "ignore";
  /** Create passes its limit on the clock and fails with DockerTimeoutError (leaving no container). */
  readonly createTimesOut?: boolean;
  /** The engine refuses the create with this message. */
  readonly createFails?: string;
  /** Start fails with this message (e.g. an OCI runtime error). */
  readonly startFails?: string;
}

type DockerState = "created" | "running" | "exited";

interface Container {
  readonly id: string;
  name: string;
  readonly image: string;
  readonly spec: ContainerCreateSpec;
  state: DockerState;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  startedAt?: number;
  finishedAt?: number;
  health?: "starting" | "healthy" | "unhealthy";
  ip: string;
}

interface Subscriber {
  readonly filters: Readonly<Record<string, string[]>>;
  readonly queue: DockerEvent[];
  wake?: () => void;
}

/** One engine call the fake answered, for order assertions. `target`: the ECS container name (or image, for pulls). */
export interface EngineCall {
  readonly op: "pull" | "create" | "start" | "stop" | "remove" | "ensure-network" | "remove-network" | "create-volume" | "remove-volume";
  readonly target: string;
  /** For stops: the timeout asked for, in seconds. */
  readonly timeoutSeconds?: number;
}

const never = "0001-01-01T00:00:00Z";
const iso = (ms: number | undefined): string => (ms === undefined ? never : new Date(ms).toISOString());

export class InMemoryDocker implements DockerEngine {
  readonly calls: EngineCall[] = [];
  readonly timeouts: DockerTimeouts;
  private readonly clock: ManualClock;
  private readonly containers = new Map<string, Container>();
  /** Image references → image ids; the ids of pulled images → their registry manifest digests (built ones have none). */
  private readonly images = new Map<string, string>();
  private readonly manifests = new Map<string, string>();
  private readonly pullFailures = new Map<string, string>();
  private readonly scripts = new Map<string, ContainerScript>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly heldStarts: Array<{ readonly matches: (dockerName: string) => boolean; readonly released: Promise<void> }> = [];
  private seq = 0;

  constructor(options: { readonly clock: ManualClock; readonly timeouts?: Partial<DockerTimeouts>; readonly images?: readonly string[] }) {
    this.clock = options.clock;
    this.timeouts = { ...defaultDockerTimeouts, ...options.timeouts };
    for (const image of options.images ?? []) this.images.set(image, imageId(image));
  }

  // ---- scripting -------------------------------------------------------------------------

  /** Scripts the container(s) with this ECS container name or Docker name. */
  script(name: string, script: ContainerScript): this {
    this.scripts.set(name, { ...this.scripts.get(name), ...script });
    return this;
  }

  /** Pulls of this image fail with the registry's message. */
  failPull(image: string, message: string): this {
    this.pullFailures.set(image, message);
    return this;
  }

  /** The id of the newest container with this ECS container name, Docker name or id. */
  idOf(ref: string): string {
    const found = [...this.containers.values()].reverse().find((c) => c.id === ref || c.name === ref || containerName(c) === ref);
    if (!found) throw new Error(`no container ${ref} in the in-memory engine`);
    return found.id;
  }

  /** Docker's state word of a container (`created`, `running`, `exited`); undefined once removed. */
  stateOf(ref: string): DockerState | undefined {
    return this.containers.get(this.idOf(ref))?.state;
  }

  /** The create request a container was made with. */
  specOf(ref: string): ContainerCreateSpec | undefined {
    return this.containers.get(this.idOf(ref))?.spec;
  }

  /** How many containers exist (any state). */
  get size(): number {
    return this.containers.size;
  }

  /** Its process ends by itself with this code. */
  exit(ref: string, exitCode: number): void {
    const c = this.mustGet(this.idOf(ref));
    if (c.state === "running") this.end(c, exitCode);
  }

  /**
   * The kernel's OOM killer ends it: `oom`, then `die` with 137. With `flaggedAfterMs`, as when
   * containerd's OOM event reaches Docker after the exit: `die` with OOMKilled false, and the flag
   * and `oom` that much later on the clock.
   */
  oomKill(ref: string, { flaggedAfterMs }: { flaggedAfterMs?: number } = {}): void {
    const c = this.mustGet(this.idOf(ref));
    if (c.state !== "running") return;
    const flag = (): void => {
      c.oomKilled = true;
      this.emit(c, "oom");
    };
    if (flaggedAfterMs === undefined) flag();
    this.end(c, 137);
    if (flaggedAfterMs !== undefined) this.clock.after(flaggedAfterMs, flag);
  }

  /** A health check's verdict changes. */
  setHealth(ref: string, health: "healthy" | "unhealthy"): void {
    const c = this.mustGet(this.idOf(ref));
    c.health = health;
    this.emit(c, "health_status", health);
  }

  /** Removed behind the agent's back (e.g. `docker rm -f` while the agent was down). */
  vanish(ref: string): void {
    const c = this.mustGet(this.idOf(ref));
    if (c.state === "running") this.end(c, 137);
    this.containers.delete(c.id);
    this.emit(c, "destroy");
  }

  /**
   * The next start of a container whose Docker name matches waits until `release` is called (then
   * acts on the engine's state as it is by then): a test holds a task between two engine calls.
   */
  holdStart(matches: (dockerName: string) => boolean): () => void {
    let release = (): void => undefined;
    this.heldStarts.push({ matches, released: new Promise<void>((resolve) => (release = resolve)) });
    return () => release();
  }

  /** Events emitted but not yet taken by a subscriber. */
  undelivered(): number {
    return [...this.subscribers].reduce((n, s) => n + s.queue.length, 0);
  }

  // ---- DockerEngine ----------------------------------------------------------------------

  version(): Promise<{ version: string; apiVersion: string }> {
    return Promise.resolve({ version: "27.0.0-in-memory", apiVersion: "1.46" });
  }

  pullImage(image: string, options: { readonly behavior: ImagePullBehavior; readonly pulledBefore?: boolean }): Promise<PullOutcome> {
    const cached = this.images.has(image);
    const plan = pullPlan(options.behavior, { cached, pulledBefore: options.pulledBefore ?? false });
    if (plan === "cached") return Promise.resolve({ source: "cached" });
    this.calls.push({ op: "pull", target: image });
    const failure = this.pullFailures.get(image);
    if (failure === undefined) {
      this.images.set(image, imageId(image));
      this.manifests.set(imageId(image), image.includes("@") ? image.slice(image.indexOf("@") + 1) : manifestDigestOf(image));
      return Promise.resolve({ source: "pulled" });
    }
    if (plan === "pull-or-cached") return Promise.resolve({ source: "cached", pullError: failure });
    return Promise.reject(new DockerError("CannotPullContainerError", failure));
  }

  imageDigest(image: string, id?: string): Promise<string | undefined> {
    return Promise.resolve(this.manifests.get(id ?? this.images.get(image) ?? ""));
  }

  createContainer(spec: ContainerCreateSpec): Promise<string> {
    const target = spec.Labels[agentLabelKeys.containerName] ?? spec.name;
    this.calls.push({ op: "create", target });
    const { createTimesOut, createFails: failure } = this.scriptOf(spec.name, spec.Labels);
    if (createTimesOut) {
      this.clock.advance(this.timeouts.createMs);
      return Promise.reject(new DockerError("DockerTimeoutError", `Could not transition to created; timed out after waiting ${formatGoDuration(this.timeouts.createMs)}`));
    }
    if (failure !== undefined) return Promise.reject(new DockerError("CannotCreateContainerError", failure));
    if (!this.images.has(spec.Image)) return Promise.reject(new DockerError("CannotCreateContainerError", `No such image: ${spec.Image}`, { statusCode: 404 }));
    if (!this.hasNetwork(spec.HostConfig.NetworkMode)) {
      return Promise.reject(new DockerError("CannotCreateContainerError", `network ${spec.HostConfig.NetworkMode} not found`, { statusCode: 404 }));
    }
    if ([...this.containers.values()].some((c) => c.name === spec.name)) {
      return Promise.reject(new DockerError("CannotCreateContainerError", `Conflict. The container name "/${spec.name}" is already in use`, { statusCode: 409 }));
    }
    // Docker makes a missing named volume (local driver) for the container that mounts it.
    for (const m of spec.HostConfig.Mounts ?? []) {
      if (m.Type === "volume" && !this.volumes.has(m.Source)) this.volumes.set(m.Source, { Name: m.Source, Driver: "local", Mountpoint: `/var/lib/docker/volumes/${m.Source}/_data`, Labels: null, Options: null });
    }
    this.seq += 1;
    const id = this.seq.toString(16).padStart(64, "c");
    const c: Container = { id, name: spec.name, image: spec.Image, spec, state: "created", exitCode: 0, oomKilled: false, error: "", ip: `172.17.0.${this.seq + 1}` };
    this.containers.set(id, c);
    this.emit(c, "create");
    return Promise.resolve(id);
  }

  async startContainer(id: string): Promise<void> {
    const held = this.containers.has(id) ? this.heldStarts.findIndex((h) => h.matches(this.containers.get(id)!.name)) : -1;
    if (held >= 0) await this.heldStarts.splice(held, 1)[0]!.released;
    return this.start(id);
  }

  private start(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return Promise.reject(notFound("CannotStartContainerError", id));
    this.calls.push({ op: "start", target: containerName(c) });
    if (c.state === "running") return Promise.resolve(); // 304
    // As the engine: a container's endpoints are made at start, on networks that must still exist.
    if (!this.hasNetwork(c.spec.HostConfig.NetworkMode)) {
      return Promise.reject(new DockerError("CannotStartContainerError", `network ${c.spec.HostConfig.NetworkMode} not found`, { statusCode: 404 }));
    }
    const joined = c.spec.HostConfig.NetworkMode.startsWith("container:") ? c.spec.HostConfig.NetworkMode.slice("container:".length) : undefined;
    if (joined !== undefined && ![...this.containers.values()].some((o) => (o.name === joined || o.id === joined) && o.state === "running")) {
      return Promise.reject(new DockerError("CannotStartContainerError", `cannot join network of a non running container: ${joined}`));
    }
    const script = this.scriptOf(c.name, c.spec.Labels);
    if (script.startFails !== undefined) {
      // As the engine: the container stays `created` (it never ran), with the runtime's error.
      c.error = script.startFails;
      c.exitCode = 127;
      return Promise.reject(new DockerError("CannotStartContainerError", script.startFails, { statusCode: 500 }));
    }
    c.state = "running";
    c.startedAt = this.clock.now();
    c.finishedAt = undefined;
    if (c.spec.Healthcheck) c.health = "starting";
    this.emit(c, "start");
    if (script.healthOnStart && c.spec.Healthcheck) this.setHealth(c.id, script.healthOnStart);
    if (script.exitOnStart !== undefined) this.end(c, script.exitOnStart);
    return Promise.resolve();
  }

  renameContainer(id: string, name: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return Promise.reject(notFound("CannotCreateContainerError", id));
    if ([...this.containers.values()].some((o) => o.name === name && o.id !== id)) {
      return Promise.reject(new DockerError("CannotCreateContainerError", `Conflict. The container name "/${name}" is already in use`, { statusCode: 409 }));
    }
    c.name = name;
    this.emit(c, "rename");
    return Promise.resolve();
  }

  stopContainer(id: string, stopTimeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return Promise.reject(notFound("CannotStopContainerError", id));
    this.calls.push({ op: "stop", target: containerName(c), timeoutSeconds: stopTimeoutSeconds });
    if (c.state !== "running") return Promise.resolve(); // 304
    const onSigterm = this.scriptOf(c.name, c.spec.Labels).onSigterm ?? 143;
    this.emit(c, "kill", undefined, { signal: "15" });
    if (onSigterm === "ignore") {
      this.clock.advance(stopTimeoutSeconds * 1000);
      this.emit(c, "kill", undefined, { signal: "9" });
      this.end(c, 137);
    } else {
      this.end(c, onSigterm);
    }
    this.emit(c, "stop");
    return Promise.resolve();
  }

  inspectContainer(id: string): Promise<InspectedContainer> {
    const c = this.containers.get(id);
    if (!c) return Promise.reject(notFound("CannotInspectContainerError", id));
    const running = c.state === "running";
    const mode = c.spec.HostConfig.NetworkMode;
    const onNetwork = mode === "bridge" || this.networks.has(mode);
    const networks: Record<string, { IPAddress: string; MacAddress: string }> = running && onNetwork ? { [mode]: { IPAddress: c.ip, MacAddress: "02:42:ac:11:00:02" } } : {};
    return Promise.resolve({
      State: {
        Status: c.state,
        Running: running,
        OOMKilled: c.oomKilled,
        ExitCode: c.exitCode,
        Error: c.error,
        StartedAt: iso(c.startedAt),
        FinishedAt: iso(c.finishedAt),
        ...(c.health && { Health: { Status: c.health } }),
      },
      Image: this.images.get(c.image) ?? imageId(c.image),
      Config: { Image: c.image, Env: [...c.spec.Env], Labels: { ...c.spec.Labels } },
      Mounts: [
        ...(c.spec.HostConfig.Binds ?? []).map((b) => ({ Source: b.split(":")[0]!, Destination: b.split(":")[1]! })),
        ...(c.spec.HostConfig.Mounts ?? []).map((m) => ({ Name: m.Source, Source: this.volumes.get(m.Source)?.Mountpoint ?? "", Destination: m.Target })),
      ],
      // As the engine: a container that is not running publishes nothing and has no address.
      NetworkSettings: running
        ? { Ports: publishedPorts(c.spec), Networks: networks } : { Ports: {}, Networks: networks },
    });
  }

  removeContainer(id: string, options: { readonly force?: boolean } = {}): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return Promise.resolve();
    this.calls.push({ op: "remove", target: containerName(c) });
    if (c.state === "running") {
      if (!options.force) return Promise.reject(new DockerError("CannotRemoveContainerError", `cannot remove container "/${c.name}": container is running`, { statusCode: 409 }));
      this.end(c, 137);
    }
    this.containers.delete(id);
    this.emit(c, "destroy");
    return Promise.resolve();
  }

  /** Networks by name, as ensureNetwork made them. */
  readonly networks = new Set<string>();

  ensureNetwork(name: string): Promise<"created" | "existed"> {
    this.calls.push({ op: "ensure-network", target: name });
    if (this.networks.has(name)) return Promise.resolve("existed");
    this.networks.add(name);
    return Promise.resolve("created");
  }

  /** As the engine: only running containers have endpoints that keep a network; created ones do not. */
  removeNetwork(name: string): Promise<void> {
    this.calls.push({ op: "remove-network", target: name });
    const inUse = [...this.containers.values()].some((c) => c.spec.HostConfig.NetworkMode === name && c.state === "running");
    if (!inUse) this.networks.delete(name);
    return Promise.resolve();
  }

  /** Volumes by name, as createVolume made them (or a container's mount of a missing one, as Docker does). */
  readonly volumes = new Map<string, InspectedVolume>();

  createVolume(spec: VolumeCreateSpec): Promise<void> {
    this.calls.push({ op: "create-volume", target: spec.Name });
    const existing = this.volumes.get(spec.Name);
    if (existing && existing.Driver !== spec.Driver) {
      return Promise.reject(new DockerError("CannotCreateVolumeError", `create ${spec.Name}: volume name is already in use with driver "${existing.Driver}"`, { statusCode: 409 }));
    }
    if (!existing) this.volumes.set(spec.Name, { Name: spec.Name, Driver: spec.Driver, Mountpoint: `/var/lib/docker/volumes/${spec.Name}/_data`, Labels: { ...spec.Labels }, Options: { ...spec.DriverOpts } });
    return Promise.resolve();
  }

  inspectVolume(name: string): Promise<InspectedVolume | undefined> {
    return Promise.resolve(this.volumes.get(name));
  }

  listVolumes(labels: Readonly<Record<string, string>>): Promise<InspectedVolume[]> {
    return Promise.resolve([...this.volumes.values()].filter((v) => Object.entries(labels).every(([k, value]) => v.Labels?.[k] === value)));
  }

  /** As the engine: a volume a container (any state) mounts is in use. */
  removeVolume(name: string): Promise<void> {
    this.calls.push({ op: "remove-volume", target: name });
    if ([...this.containers.values()].some((c) => (c.spec.HostConfig.Mounts ?? []).some((m) => m.Type === "volume" && m.Source === name))) {
      return Promise.reject(new DockerError("CannotRemoveContainerError", `remove ${name}: volume is in use`, { statusCode: 409 }));
    }
    this.volumes.delete(name);
    return Promise.resolve();
  }

  /** Docker's own modes, another container's namespace, or a network made by ensureNetwork. */
  private hasNetwork(mode: string): boolean {
    return ["bridge", "host", "none", "default"].includes(mode) || mode.startsWith("container:") || this.networks.has(mode);
  }

  listContainers(labels: Readonly<Record<string, string | true>>): Promise<ListedContainer[]> {
    const matches = (c: Container): boolean => Object.entries(labels).every(([k, v]) => (v === true ? k in c.spec.Labels : c.spec.Labels[k] === v));
    return Promise.resolve(
      [...this.containers.values()].filter(matches).map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state, labels: { ...c.spec.Labels } })),
    );
  }

  async *events(options: { readonly filters?: Readonly<Record<string, string[]>>; readonly signal: AbortSignal }): AsyncGenerator<DockerEvent> {
    const sub: Subscriber = { filters: options.filters ?? {}, queue: [] };
    const wake = (): void => sub.wake?.();
    this.subscribers.add(sub);
    options.signal.addEventListener("abort", wake);
    try {
      while (!options.signal.aborted) {
        const next = sub.queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => (sub.wake = resolve));
        sub.wake = undefined;
      }
    } finally {
      this.subscribers.delete(sub);
      options.signal.removeEventListener("abort", wake);
    }
  }

  // ---- engine internals ------------------------------------------------------------------

  private end(c: Container, exitCode: number): void {
    c.state = "exited";
    c.exitCode = exitCode;
    c.finishedAt = this.clock.now();
    if (c.health) c.health = undefined;
    this.emit(c, "die", undefined, { exitCode: String(exitCode) });
  }

  /** Emits a container event with the attributes Docker gives: labels, name, image, and extras. */
  private emit(c: Container, action: string, detail = "", extra: Record<string, string> = {}): void {
    const event: DockerEvent = {
      type: "container",
      action,
      detail,
      id: c.id,
      attributes: { ...c.spec.Labels, name: c.name, image: c.image, ...extra },
      timeMs: this.clock.now(),
    };
    for (const sub of this.subscribers) {
      if (!passes(sub.filters, event)) continue;
      sub.queue.push(event);
      sub.wake?.();
    }
  }

  private scriptOf(dockerName: string, labels: Readonly<Record<string, string>>): ContainerScript {
    return this.scripts.get(labels[agentLabelKeys.containerName] ?? "") ?? this.scripts.get(dockerName) ?? {};
  }

  private mustGet(id: string): Container {
    const c = this.containers.get(id);
    if (!c) throw new Error(`no container ${id}`);
    return c;
  }
}

const containerName = (c: Container): string => c.spec.Labels[agentLabelKeys.containerName] ?? c.name;

/** The manifest digest a registry would give the image this reference names (tests pin it). */
export const manifestDigestOf = (image: string): string => `sha256:${createHash("sha256").update(`manifest ${image}`).digest("hex")}`;
const imageId = (image: string): string => `sha256:${Buffer.from(image).toString("hex").padEnd(64, "0").slice(0, 64)}`;

const notFound = (name: ConstructorParameters<typeof DockerError>[0], id: string): DockerError =>
  new DockerError(name, `No such container: ${id}`, { statusCode: 404 });

/** `type` and `label` filters as the engine applies them (`key=value` or `key`). */
function passes(filters: Readonly<Record<string, string[]>>, e: DockerEvent): boolean {
  if (filters.type && !filters.type.includes(e.type)) return false;
  return (filters.label ?? []).every((f) => {
    const eq = f.indexOf("=");
    return eq < 0 ? f in e.attributes : e.attributes[f.slice(0, eq)] === f.slice(eq + 1);
  });
}

/** The published ports of a running container: HostPort "" gets an ephemeral port, as Docker picks one. */
function publishedPorts(spec: ContainerCreateSpec): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  if (spec.HostConfig.NetworkMode !== "bridge") return {};
  let ephemeral = 32768;
  return Object.fromEntries(
    Object.entries(spec.HostConfig.PortBindings ?? {}).map(([key, bindings]) => [
      key,
      bindings.map((b) => ({ HostIp: b.HostIp || "0.0.0.0", HostPort: b.HostPort === "" ? String(ephemeral++) : b.HostPort })),
    ]),
  );
}
