/**
 * The Docker engine as the task actor and task manager use it: the calls they make and nothing
 * more. {@link DockerClient} implements it against the real engine; `in-memory-docker.ts`
 * implements it in memory for in-process tests of the actor and manager.
 */
import type Docker from "dockerode";
import type { ContainerCreateSpec } from "./docker-spec.js";
import type { DockerEvent } from "./docker-events.js";
import type { InspectedState } from "./exit-reason.js";
import type { ImagePullBehavior } from "./pull-policy.js";

/** How a pull ended when it did not throw. */
export interface PullOutcome {
  /** `pulled`: fresh from the registry. `cached`: the local image is used (by policy or after a failed pull). */
  readonly source: "pulled" | "cached";
  /** Why the cached image is used although a pull was tried (ECS "default" behaviour). */
  readonly pullError?: string;
}

export interface ListedContainer {
  readonly id: string;
  /** Without Docker's leading slash. */
  readonly name: string;
  readonly image: string;
  /** Docker's state word: created, running, exited, … */
  readonly state: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The part of `GET /containers/{id}/json` the agent reads (dockerode's ContainerInspectInfo is one). */
export interface InspectedContainer {
  readonly State: InspectedState;
  /** The image id the container runs. */
  readonly Image: string;
  /** `Image`: the reference it was created from. */
  readonly Config?:
    | { readonly Image?: string | undefined; readonly Env?: readonly string[] | undefined; readonly Labels?: Readonly<Record<string, string>> | undefined }
    | undefined;
  /** Its binds and volumes: `Name` is a volume's (none for a bind), `Source` the path on the host. */
  readonly Mounts?: ReadonlyArray<{ readonly Name?: string | undefined; readonly Source: string; readonly Destination: string }> | undefined;
  readonly NetworkSettings?:
    | {
        /** `"<port>/<protocol>"` → host bindings; null for a port exposed but not published. */
        readonly Ports?: Readonly<Record<string, ReadonlyArray<{ readonly HostIp: string; readonly HostPort: string }> | null>> | undefined;
        readonly Networks?: Readonly<Record<string, { readonly IPAddress: string; readonly MacAddress?: string | undefined }>> | undefined;
      }
    | undefined;
}

/** A Docker volume to create: its name, driver (`local` unless given), the driver's options and labels. */
export interface VolumeCreateSpec {
  readonly Name: string;
  readonly Driver: string;
  readonly DriverOpts: Readonly<Record<string, string>>;
  readonly Labels: Readonly<Record<string, string>>;
}

/** The part of `GET /volumes/{name}` the agent reads. */
export interface InspectedVolume {
  readonly Name: string;
  readonly Driver: string;
  readonly Mountpoint: string;
  readonly Labels: Readonly<Record<string, string>> | null;
  readonly Options: Readonly<Record<string, string>> | null;
}

/**
 * Every failure is a `DockerError` with the ECS agent's name (`CannotPullContainerError`, …,
 * `DockerTimeoutError` when an operation's limit passed).
 */
export interface DockerEngine {
  /** Engine version and API version; also how the manager checks the engine answers again. */
  version(): Promise<{ version: string; apiVersion: string }>;
  /** Makes the image available as `ECS_IMAGE_PULL_BEHAVIOR` says. */
  pullImage(
    image: string,
    options: { readonly behavior: ImagePullBehavior; readonly pulledBefore?: boolean; readonly auth?: Docker.AuthConfig },
  ): Promise<PullOutcome>;
  /**
   * ECS's `imageDigest`: the registry's manifest digest of the image (or of the image with that id,
   * for a container's) in the reference's repository; undefined for an image built on this host or
   * not in the engine.
   */
  imageDigest(image: string, id?: string): Promise<string | undefined>;
  /** Creates the container and returns its Docker id. */
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  /** Starts it; an already running container is no error. */
  startContainer(id: string): Promise<void>;
  /** Gives the container a new name (a pooled pause container, when a task claims it: labels cannot change). */
  renameContainer(id: string, name: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `stopTimeoutSeconds`; an already stopped container is no error. */
  stopContainer(id: string, stopTimeoutSeconds: number): Promise<void>;
  inspectContainer(id: string): Promise<InspectedContainer>;
  /** Removes it and its anonymous volumes; a container already gone counts as removed. */
  removeContainer(id: string, options?: { readonly force?: boolean }): Promise<void>;
  /** Creates the bridge network unless it exists (awsvpc subnets); Docker picks its address range. Says which it was. */
  ensureNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<"created" | "existed">;
  /** Removes the network; one still in use by running containers, or already gone, is left as it is (created-only containers do not keep it). */
  removeNetwork(name: string): Promise<void>;
  /** Creates the volume; one of that name and driver that exists already is no error (Docker's own rule). */
  createVolume(spec: VolumeCreateSpec): Promise<void>;
  /** The volume; undefined when there is none of that name. */
  inspectVolume(name: string): Promise<InspectedVolume | undefined>;
  /** The volumes carrying every given label. */
  listVolumes(labels: Readonly<Record<string, string>>): Promise<InspectedVolume[]>;
  /** Removes the volume; one already gone counts as removed, one a container still uses is an error. */
  removeVolume(name: string): Promise<void>;
  /** All containers (running or not) carrying every given label; `true` matches any value. */
  listContainers(labels: Readonly<Record<string, string | true>>): Promise<ListedContainer[]>;
  /** Engine events until `signal` aborts; filters as the Engine API's (`type`, `label` as `key=value` or `key`). */
  events(options: { readonly filters?: Readonly<Record<string, string[]>>; readonly signal: AbortSignal }): AsyncIterable<DockerEvent>;
}
