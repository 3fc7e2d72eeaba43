import { arnCluster, arnId } from "../domain/arn.js";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import type Docker from "dockerode";
import type { Logger } from "pino";
import type { ContainerFiles } from "./container-files.js";
import type { ContainerReport, NetworkBinding, TaskReport, TaskSpec } from "../agent-protocol/messages.js";
import { containerCreateSpec } from "./docker/container-config.js";
import type { DockerEngine, InspectedContainer } from "./docker/docker-engine.js";
import { DockerError } from "./docker/errors.js";
import { containerOutcome, outOfMemoryReason } from "./docker/exit-reason.js";
import { dockerContainerName, nameSuffix, randomInt63 } from "./docker/naming.js";
import { pinnedReference, type ImagePullBehavior } from "./docker/pull-policy.js";
import type { PortAllocator } from "./ports.js";
import type { NetworkInterface, PauseSettings } from "./docker/pause-container.js";
import type { SubnetNetworks } from "./subnet-networks.js";
import type { PausePool } from "./pause-pool.js";
import { TaskNamespace } from "./task-namespace.js";
import type { TaskCgroups } from "./cgroups/cgroupfs.js";
import { isolationOf, taskCgroupPath, taskCgroupSettings } from "./cgroups/task-cgroup.js";
import { allStarted, exitedEssential, nextStarts, preparationFailure, stopOrder, type ContainerFacts } from "./task-plan.js";
import { hasSecrets, type ContainerSecrets, type SecretsOutcome } from "./secrets/resolve-secrets.js";
import { secretReasons } from "./secrets/secret-reasons.js";
import { pullAuth } from "./secrets/registry-credentials.js";
import { registryReference } from "./ecr-images.js";
import { readyTaskVolumes, removeTaskVolumes } from "./task-volumes.js";
import { restartDecision } from "./restart-policy.js";
import { SharedNamespaces, sharesNamespaces } from "./task-shared-namespaces.js";
import type { VolumeSource } from "./docker/container-storage.js";

export interface TaskActorDeps {
  readonly docker: DockerEngine;
  readonly ports: PortAllocator;
  readonly cluster: string;
  readonly containerInstanceArn: string;
  /** The host address containers publish their ports on (BERTH_HOST_IP). */
  readonly hostIp: string;
  readonly pullBehavior: ImagePullBehavior;
  /** Pull credentials for an image (Berth's own registry); undefined for anonymous pulls. */
  readonly registryAuth?: (image: string, spec: TaskSpec) => Promise<Docker.AuthConfig | undefined>;
  /** The host:port of Berth's registry now: images in the task's account's and region's Amazon ECR are pulled from it (ecr-images.ts). */
  readonly registryHost?: () => string;
  readonly defaultStopTimeoutSeconds: number;
  /** ECS_SHARED_VOLUME_MATCH_FULL_CONFIG: a shared volume found must carry the labels and driver options its task asks for. */
  readonly sharedVolumeMatchFullConfig?: boolean;
  /** The pause container of awsvpc tasks (docker/pause-container.ts). */
  readonly pause: PauseSettings;
  /** The agent's subnet networks (awsvpc): the one owner of their lifecycle, shared by its tasks. */
  readonly networks: SubnetNetworks;
  /** Pause containers started ahead per recently used subnet (pause-pool.ts); none without it. */
  readonly pausePool?: PausePool | undefined;
  /** Task cgroups (cgroups/): with them, task-level cpu and memory limit the whole task (ECS_ENABLE_TASK_CPU_MEM_LIMIT). */
  readonly cgroups?: TaskCgroups | undefined;
  /**
   * Fetches the task's secrets (`secrets`, `secretOptions`, `repositoryCredentials`; agent/secrets/)
   * before any of its containers is created. Without it, a task that has any fails to start.
   */
  readonly resolveSecrets?: (spec: TaskSpec) => Promise<SecretsOutcome>;
  /** Environment injected into each container (metadata URI), given the container's metadata id. */
  readonly injectedEnv: (metadataId: string, spec: TaskSpec) => Record<string, string>;
  /**
   * Readies what a created container needs outside Docker before it starts (its awslogs stream, read
   * from the labels it was created with, which carry its resolved log options); a DockerError keeps it from starting.
   */
  readonly beforeStart?: (dockerId: string, labels: Readonly<Record<string, string>>) => Promise<void>;
  /** Each container's restarts by its restart policy, kept across agent restarts (`<data-dir>/restart-counts/`); counted from 0 without it. */
  readonly restartCounts?: ContainerFiles | undefined;
  readonly report: (r: TaskReport) => void;
  readonly logger: Logger;
  readonly now: () => number;
  /** Runs `fn` once `ms` have passed on the clock of `now` (a dependency's startTimeout). */
  readonly after: (ms: number, fn: () => void) => void;
  /** awsvpc: resolves once the task's new address is closed to all its security groups do not allow (agent/firewall/); never rejects. */
  readonly networkGuard?: () => Promise<void>;
}

/** How long after an unexplained SIGKILL (137) the agent looks again for Docker's late OOM flag. */
export const lateOomFlagMs = 250;

/** The agent's label that keeps several agents on one Docker engine apart. */
export const instanceLabel = "berth.container-instance";

/** One container as this agent knows it. */
export interface ContainerState {
  readonly name: string;
  definition: ContainerDefinition;
  dockerName: string;
  dockerId?: string | undefined;
  /** The labels it was created with (its awslogs target among them): from the create call, or from Docker when adopted. */
  labels?: Readonly<Record<string, string>> | undefined;
  /** The id in this container's ECS_CONTAINER_METADATA_URI_V4. */
  metadataId: string;
  status: "NONE" | "RUNNING" | "STOPPED";
  /**
   * Docker was asked to start it. Its process may ask the metadata endpoint about itself before
   * the start call returns and the agent inspects it: it is running then, whatever `status` says.
   */
  startRequested?: boolean;
  /** How often its restart policy started it again after it exited. */
  restartCount: number;
  exitCode?: number | undefined;
  reason?: string | undefined;
  health: "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
  bindings: NetworkBinding[];
  /** The container's addresses on its Docker networks. */
  ipv4: string[];
  imageId?: string | undefined;
  /** Its binds and volumes as Docker made them (the agent APIs' `Volumes`). */
  mounts?: InspectedContainer["Mounts"];
  /** What Docker runs: the definition's image, or the manifest its service revision pinned (`repository@digest`). */
  reference?: string | undefined;
  /** ECS's `imageDigest`: the registry's manifest digest of the image it runs; none for an image built on this host. */
  imageDigest?: string | undefined;
  createdAtMs?: number | undefined;
  startedAtMs?: number | undefined;
  finishedAtMs?: number | undefined;
}

type Phase = "NONE" | "PENDING" | "RUNNING" | "STOPPING" | "STOPPED";

/**
 * One task on this host: the only code that changes it. Work is queued and done one step at a
 * time (desired-state changes from the server, Docker events), so the task never races itself.
 * Known status only moves forward: NONE → PENDING → RUNNING → STOPPING → STOPPED.
 */
export class TaskActor {
  spec: TaskSpec;
  phase: Phase = "NONE";
  readonly containers = new Map<string, ContainerState>();
  private queue: Promise<void> = Promise.resolve();
  private stopReason?: { reason: string; stopCode: string };
  private pullStartedAtMs?: number;
  private pullStoppedAtMs?: number;
  private startedAtMs?: number;
  private executionStoppedAtMs?: number;
  /** awsvpc: the pause container holding the task's namespace, and the address Docker gave it. */
  private readonly namespace: TaskNamespace;
  /** pidMode or ipcMode `task`: the pause container holding the namespaces its containers share. */
  private readonly shared: SharedNamespaces;
  private eni?: NetworkInterface;
  private networkGuarded: Promise<void> = Promise.resolve();

  constructor(spec: TaskSpec, private readonly deps: TaskActorDeps) {
    this.spec = spec;
    this.namespace = new TaskNamespace({ docker: deps.docker, networks: deps.networks, pool: deps.pausePool, pause: deps.pause, labels: { [instanceLabel]: deps.containerInstanceArn } });
    this.shared = new SharedNamespaces({ docker: deps.docker, pause: deps.pause, labels: { [instanceLabel]: deps.containerInstanceArn } });
    for (const definition of spec.containers) this.containers.set(definition.name ?? "", this.freshContainer(definition));
  }

  /** Re-adopts a running container found by its labels after an agent restart, with the manifest digest of the image it runs. */
  adopt(name: string, dockerId: string, dockerName: string, inspect: InspectedContainer, imageDigest: string | undefined): void {
    const c = this.containers.get(name) ?? this.freshContainer({ name });
    this.containers.set(name, c);
    c.dockerId = dockerId;
    c.dockerName = dockerName;
    c.reference = inspect.Config?.Image;
    c.imageDigest = imageDigest;
    // The container keeps the metadata URI it was created with; a new id would answer it with 404.
    c.metadataId = metadataIdIn(inspect.Config?.Env) ?? c.metadataId;
    c.labels = inspect.Config?.Labels;
    c.restartCount = Number(this.deps.restartCounts?.read(dockerId) ?? 0) || 0;
    this.absorbInspect(c, inspect);
    this.phase = [...this.containers.values()].every((x) => x.status !== "NONE") ? "RUNNING" : "PENDING";
    if (this.phase === "RUNNING") this.startedAtMs ??= c.startedAtMs;
  }

  /** The task's cgroup, when the agent makes task cgroups and the task has a task-level size; the same path after a restart. */
  private get cgroup(): string | undefined {
    if (this.deps.cgroups === undefined || taskCgroupSettings({ cpu: this.spec.cpu, memoryMiB: this.spec.memory }).length === 0) return undefined;
    return taskCgroupPath(this.spec.taskArn);
  }

  /** Whether the task got its own cgroup (DescribeTasks' `berth.isolation`). */
  get hasCgroup(): boolean {
    return this.cgroup !== undefined;
  }

  /** The task's own cluster (its ARN's): a managed-capacity agent runs tasks of every cluster. */
  private get cluster(): string {
    return arnCluster(this.spec.taskArn) ?? this.deps.cluster;
  }

  /** awsvpc: the task's address and MAC once its namespace exists. */
  get networkInterface(): NetworkInterface | undefined {
    return this.eni;
  }

  /** Re-adopts the namespace pause container (pidMode or ipcMode `task`) after an agent restart. */
  adoptSharedNamespaces(dockerId: string, dockerName: string): void {
    this.shared.adopt(dockerId, dockerName);
  }

  /** Re-adopts the task's pause container (awsvpc) after an agent restart: the task keeps its namespace and address. */
  adoptPause(dockerId: string, dockerName: string, inspect: InspectedContainer): void {
    this.eni = this.namespace.adopt(dockerId, dockerName, inspect) ?? this.eni;
  }

  /** The server's desired state changed (or was confirmed after a reconnect). */
  desire(spec: TaskSpec): void {
    const adoptedOnly = this.spec.containers.length === 0;
    const firstSight = adoptedOnly || this.phase === "NONE";
    this.spec = spec;
    if (adoptedOnly) {
      for (const d of spec.containers) {
        const c = this.containers.get(d.name ?? "");
        if (c) c.definition = d;
        else this.containers.set(d.name ?? "", this.freshContainer(d));
      }
    }
    // The server says this agent created the task's containers before; any it cannot find now were
    // removed while it was away. They are reported vanished, never created again.
    const vanished = spec.created && firstSight ? [...this.containers.values()].filter((c) => c.dockerId === undefined) : [];
    for (const c of vanished) {
      c.status = "STOPPED";
      c.reason = "ContainerVanishedError: the container was not found when the agent came back; it was removed while the agent was down";
    }
    if (vanished.some((c) => c.definition.essential ?? true)) {
      this.enqueue(() => this.stop("Task stopped: its containers vanished while the agent was down", "EssentialContainerExited"));
      return;
    }
    this.enqueue(() => (spec.desiredStatus === "STOPPED" ? this.stop(spec.stopReason ?? "Task stopped by user", "UserInitiated") : this.advance()));
    // Containers that exited while the agent was away sent their `die` to nobody. Now that their
    // definitions (essential or not) are known, they are handled as if the event came now.
    if (adoptedOnly) for (const c of this.containers.values()) if (c.status === "STOPPED") this.onContainerEvent(c.name, "die");
  }

  /** A Docker event about one of this task's containers. */
  onContainerEvent(name: string, action: string): void {
    this.enqueue(async () => {
      const c = this.containers.get(name);
      if (!c?.dockerId || !["die", "start", "health_status", "oom"].includes(action)) return;
      this.absorbInspect(c, await this.deps.docker.inspectContainer(c.dockerId));
      await this.blameTaskMemory(c);
      if (action === "die") await this.awaitLateOomFlag(c);
      if (this.phase === "STOPPING" || this.phase === "STOPPED") return;
      if (action === "die" && c.status === "STOPPED" && (await this.restarted(c))) return;
      const exited = exitedEssential(this.facts());
      if (exited) return this.stop("Essential container in task exited", "EssentialContainerExited");
      if (this.phase === "PENDING") return this.advance();
      this.sendReport();
    });
  }

  /**
   * A container that exited, started again in place when its restart policy says so (true): the
   * control plane never sees it stopped. The agent's log says what was decided, and why.
   */
  private async restarted(c: ContainerState): Promise<boolean> {
    const policy = c.definition.restartPolicy;
    if (policy?.enabled !== true) return false;
    const exitCode = c.exitCode;
    const decision = restartDecision(policy, { exitCode, startedAtMs: c.startedAtMs, nowMs: this.deps.now() });
    const about = { task: this.spec.taskArn, container: c.name, exitCode };
    if (!decision.restart) {
      this.deps.logger.info({ ...about, why: decision.why }, "container exited and its restart policy does not restart it");
      return false;
    }
    try {
      await this.deps.docker.startContainer(c.dockerId!);
    } catch (err) {
      this.deps.logger.warn({ ...about, err }, "restarting the container (its restart policy) failed");
      return false;
    }
    c.restartCount += 1;
    this.deps.restartCounts?.write(c.dockerId!, String(c.restartCount));
    this.deps.logger.info({ ...about, restartCount: c.restartCount }, "restarted the container (its restart policy)");
    this.absorbInspect(c, await this.deps.docker.inspectContainer(c.dockerId!));
    this.sendReport();
    return true;
  }

  /** The task as the control plane should know it. */
  toReport(): TaskReport {
    const status = this.phase === "STOPPED" ? "STOPPED" : this.phase === "RUNNING" || this.phase === "STOPPING" ? "RUNNING" : "PENDING";
    return {
      taskArn: this.spec.taskArn,
      status,
      containers: [...this.containers.values()].map((c): ContainerReport => ({
        name: c.name,
        status: c.status === "NONE" ? (this.phase === "STOPPED" ? "STOPPED" : "PENDING") : c.status,
        runtimeId: c.dockerId,
        imageDigest: c.imageDigest,
        exitCode: c.exitCode,
        reason: c.reason,
        networkBindings: c.bindings,
        healthStatus: c.definition.healthCheck ? c.health : undefined,
      })),
      reason: this.phase === "STOPPED" ? this.stopReason?.reason : undefined,
      stopCode: this.phase === "STOPPED" ? this.stopReason?.stopCode : undefined,
      pullStartedAtMs: this.pullStartedAtMs,
      pullStoppedAtMs: this.pullStoppedAtMs,
      startedAtMs: this.startedAtMs,
      executionStoppedAtMs: this.executionStoppedAtMs,
      eni: this.eni,
      isolation: isolationOf(this.hasCgroup),
    };
  }

  /** Removes the task's stopped containers and its own volumes (after the cleanup wait). */
  async cleanUp(): Promise<void> {
    for (const c of this.containers.values()) {
      if (c.dockerId === undefined) continue;
      await this.deps.docker.removeContainer(c.dockerId, { force: true });
      this.deps.restartCounts?.remove(c.dockerId);
    }
    await this.shared.release(this.spec.taskArn);
    await removeTaskVolumes(this.deps.docker, this.spec.taskArn).catch((err: unknown) => this.deps.logger.warn({ err, task: this.spec.taskArn }, "removing the task's volumes failed"));
    await this.releaseNetwork();
    await this.releaseCgroup();
  }

  /** Removes the task's cgroup once nothing runs in it (stop tries; cleanUp, after the containers are gone, again). */
  private async releaseCgroup(): Promise<void> {
    const cgroup = this.cgroup;
    if (cgroup !== undefined) await this.deps.cgroups?.remove(cgroup).catch((err: unknown) => this.deps.logger.warn({ err, task: this.spec.taskArn }, "removing the task's cgroup failed"));
  }

  /** awsvpc: removes the pause container and lets go of the subnet's network (kept a while for the subnet's next task). */
  private async releaseNetwork(): Promise<void> {
    if (this.spec.awsvpc === undefined && this.namespace.container === undefined) return;
    await this.namespace.release(this.spec.taskArn);
  }

  /** awsvpc: the pause container, created on the subnet's network before any of the task's containers. */
  private async createPause(): Promise<void> {
    const awsvpc = this.spec.awsvpc;
    if (awsvpc === undefined) throw new DockerError("CannotCreateContainerError", "an awsvpc task came without its network interface settings");
    if (this.namespace.container) return;
    const name = dockerContainerName(
      { taskArn: this.spec.taskArn, containerName: "internalecspause", family: this.spec.family, revision: this.spec.revision, cluster: this.cluster },
      nameSuffix(randomInt63()),
    );
    await this.namespace.create({ name, taskArn: this.spec.taskArn, taskId: arnId(this.spec.taskArn), subnet: awsvpc.subnet, cgroupParent: this.cgroup });
  }

  /** awsvpc: starts the pause container; the task has its address, and its rules are being written. */
  private async startPause(): Promise<void> {
    if (this.eni) return; // adopted with its address
    this.eni = await this.namespace.start(this.spec.awsvpc?.subnet ?? "");
    // The security groups' rules are written while the containers are created; none starts before.
    this.networkGuarded = this.deps.networkGuard?.() ?? Promise.resolve();
  }

  /** Resolves once all queued work is done. */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(step).catch((err: unknown) => {
      if (err instanceof DockerError && err.engineUnreachable) {
        // Docker is down or restarting: the containers' fate is unknown, not failed. The event watcher re-checks them when it is back.
        this.deps.logger.warn({ err: err.message, task: this.spec.taskArn }, "Docker engine unreachable; will re-check");
        return;
      }
      this.deps.logger.error({ err, task: this.spec.taskArn }, "task step failed");
      return this.stop(err instanceof DockerError ? err.reason : `InternalError: ${String(err)}`, "TaskFailedToStart").catch(() => undefined);
    });
  }

  /** Moves a starting task on: pull, create, start what dependencies allow, then RUNNING. */
  private async advance(): Promise<void> {
    if (this.phase === "RUNNING" || this.phase === "STOPPING" || this.phase === "STOPPED") return;
    if (this.phase === "NONE") {
      this.phase = "PENDING";
      this.sendReport();
      if (!(await this.prepare())) return;
    }
    const decision = nextStarts(this.facts(), this.deps.now());
    if (decision.kind === "failed") {
      // DescribeTasks shows the blocked container's own reason, as ECS does, not only the task's.
      const blocked = this.containers.get(decision.container);
      if (blocked) blocked.reason = decision.reason;
      return this.stop(decision.reason, "TaskFailedToStart");
    }
    if (decision.kind === "start") {
      await this.networkGuarded;
      for (const name of decision.containers) {
        const c = this.containers.get(name)!;
        try {
          c.startRequested = true;
          await this.deps.beforeStart?.(c.dockerId!, c.labels ?? {});
          await this.deps.docker.startContainer(c.dockerId!);
        } catch (err) {
          c.reason = err instanceof DockerError ? err.reason : String(err);
          c.status = "STOPPED";
          return this.stop(c.reason, "TaskFailedToStart");
        }
        this.absorbInspect(c, await this.deps.docker.inspectContainer(c.dockerId!));
      }
      const exited = exitedEssential(this.facts());
      if (exited) return this.stop("Essential container in task exited", "EssentialContainerExited");
    }
    if (allStarted(this.facts())) {
      this.phase = "RUNNING";
      this.startedAtMs = this.deps.now();
    } else if (decision.kind === "start") {
      // Containers started just now may already satisfy the next dependencies (START conditions).
      return this.advance();
    } else if (decision.recheckAtMs !== undefined) {
      // Nothing else may happen before a dependency's startTimeout runs out: look again then.
      this.deps.after(decision.recheckAtMs - this.deps.now(), () => this.enqueue(() => this.advance()));
    }
    this.sendReport();
  }

  /**
   * Readies everything the task's containers need and creates them; false when the task failed to
   * start. Two tracks run side by side: the task's isolation (its
   * cgroup, and for awsvpc its pause container, created then started) and its containers (images,
   * then creates, which need only the pause container's name to exist). Containers start only once
   * both are done.
   */
  private async prepare(): Promise<boolean> {
    // Secrets come first, as ECS's task resources do: a task that cannot have them creates nothing.
    // Their values live in this call only, and go to Docker with the create requests.
    const secrets = await this.fetchSecrets();
    if (!secrets.ok) {
      await this.stop(secrets.reason, "TaskFailedToStart");
      return false;
    }
    this.pullStartedAtMs = this.deps.now();
    const awsvpc = this.spec.networkMode === "awsvpc";
    const shares = sharesNamespaces(this.spec);
    const pauseCreated = Promise.all([awsvpc ? this.createPause() : undefined, shares ? this.shared.create(this.spec, this.cgroup) : undefined]).then(() => undefined);
    // Both tracks await it later; its failure is reported by the isolation track, never unhandled meanwhile.
    pauseCreated.catch(() => undefined);
    const isolation = this.readyIsolation(pauseCreated, awsvpc, shares);
    const containers = this.readyContainers(pauseCreated, secrets.containers);
    const [isolated, created] = await Promise.all([isolation.then(() => undefined, (err: unknown) => reasonOf(err, "CannotStartContainerError")), containers]);
    const reason = preparationFailure({ isolation: isolated, ...created });
    if (reason === undefined) return true;
    await this.stop(reason, "TaskFailedToStart");
    return false;
  }

  /**
   * The task's cgroup (before any of its containers starts), for awsvpc its network namespace (the
   * pause container started, the address known), and the namespaces its containers share.
   */
  private async readyIsolation(pauseCreated: Promise<void>, awsvpc: boolean, shares: boolean): Promise<void> {
    const cgroup = this.cgroup;
    if (cgroup !== undefined) {
      await this.deps.cgroups?.create(cgroup, taskCgroupSettings({ cpu: this.spec.cpu, memoryMiB: this.spec.memory })).catch((err: unknown) => {
        throw new DockerError("ResourceInitializationError", `could not create the task's cgroup ${cgroup}: ${String(err)}`);
      });
    }
    await pauseCreated;
    if (awsvpc) await this.startPause();
    if (shares) await this.shared.start();
  }

  /** The task's secrets, when it has any; nothing to fetch otherwise. */
  private async fetchSecrets(): Promise<SecretsOutcome> {
    if (!hasSecrets(this.spec.containers)) return { ok: true, containers: new Map() };
    return (await this.deps.resolveSecrets?.(this.spec)) ?? { ok: false, reason: secretReasons.unsupported() };
  }

  /**
   * Pulls (or checks) the container's image: from Berth's registry when it names the ECR of the
   * task's account and region, the manifest its service revision pinned when there is one, with the
   * registry's credentials. A pinned manifest that cannot be pulled says why it was asked for.
   */
  private async pull(c: ContainerState, secrets: ContainerSecrets | undefined): Promise<void> {
    const registryHost = this.deps.registryHost?.();
    const image = registryHost === undefined ? (c.definition.image ?? "") : registryReference(c.definition.image ?? "", this.spec.taskArn, registryHost);
    // repositoryCredentials' secret, for another registry; else Berth's registry's token, as the agent or the execution role.
    const auth = secrets?.registryCredentials ? pullAuth(image, secrets.registryCredentials) : await this.deps.registryAuth?.(image, this.spec);
    const pinned = this.spec.imageDigests?.[c.name];
    c.reference = pinned === undefined ? image : pinnedReference(image, pinned);
    try {
      await this.deps.docker.pullImage(c.reference, { behavior: this.deps.pullBehavior, auth });
    } catch (err) {
      if (pinned === undefined || !(err instanceof DockerError)) throw err;
      throw new DockerError(err.errorName, `${err.message} (${pinnedPullFailure(image)})`, { cause: err, statusCode: err.statusCode });
    }
    c.imageDigest = pinned ?? (await this.deps.docker.imageDigest(image));
  }

  /** Pulls (or checks) every image, then creates every container once the pause container (awsvpc) exists; says what failed. */
  private async readyContainers(
    pauseCreated: Promise<void>,
    secrets: ReadonlyMap<string, ContainerSecrets>,
  ): Promise<{ readonly pull?: string; readonly create?: string }> {
    let volumes: Record<string, VolumeSource>;
    try {
      volumes = await readyTaskVolumes(this.deps.docker, this.spec, { matchSharedConfig: this.deps.sharedVolumeMatchFullConfig ?? false });
    } catch (err) {
      return { create: reasonOf(err, "CannotCreateVolumeError") };
    }
    for (const c of this.containers.values()) {
      try {
        await this.pull(c, secrets.get(c.name));
      } catch (err) {
        c.reason = reasonOf(err, "CannotPullContainerError");
        return { pull: c.reason };
      }
    }
    this.pullStoppedAtMs = this.deps.now();
    // Its failure is the isolation track's to report.
    if (!(await pauseCreated.then(() => true, () => false))) return {};
    const dockerNames = Object.fromEntries([...this.containers.values()].map((c) => [c.name, c.dockerName]));
    for (const c of this.containers.values()) {
      if (c.dockerId) continue;
      try {
        const hostPorts = await this.hostPortsFor(c);
        const spec = containerCreateSpec({
          container: { ...c.definition, image: c.reference, dockerLabels: { ...c.definition.dockerLabels, [instanceLabel]: this.deps.containerInstanceArn } },
          identity: { taskArn: this.spec.taskArn, containerName: c.name, family: this.spec.family, revision: this.spec.revision, cluster: this.cluster },
          executionRoleArn: this.spec.executionRoleArn,
          dockerName: c.dockerName,
          networkMode: this.spec.networkMode,
          pauseContainer: this.namespace.container?.name,
          pidMode: this.spec.pidMode,
          ipcMode: this.spec.ipcMode,
          namespaceContainer: this.shared.name,
          taskCpu: this.spec.cpu,
          taskMemoryMiB: this.spec.memory,
          cgroupParent: this.cgroup,
          hostPorts,
          hostIp: this.deps.hostIp,
          dockerNames,
          volumes,
          // Secrets win over the definition's environment, and the agent's own variables over secrets.
          injectedEnv: { ...secrets.get(c.name)?.environment, ...this.deps.injectedEnv(c.metadataId, this.spec) },
          logSecretOptions: secrets.get(c.name)?.logOptions,
          defaultStopTimeoutSeconds: this.deps.defaultStopTimeoutSeconds,
        });
        c.dockerId = await this.deps.docker.createContainer(spec);
        c.labels = spec.Labels;
        c.createdAtMs = this.deps.now();
      } catch (err) {
        c.reason = reasonOf(err, "CannotCreateContainerError");
        return { create: c.reason };
      }
    }
    return {};
  }

  /** Host ports for bridge mappings without a fixed hostPort, chosen from the dynamic range. */
  private async hostPortsFor(c: ContainerState): Promise<Map<string, number>> {
    const chosen = new Map<string, number>();
    if (this.spec.networkMode !== "bridge") return chosen;
    for (const m of c.definition.portMappings ?? []) {
      const protocol = m.protocol ?? "tcp";
      if (m.containerPort === undefined || (m.hostPort ?? 0) !== 0) continue;
      chosen.set(`${m.containerPort}/${protocol}`, await this.deps.ports.allocate(protocol));
    }
    return chosen;
  }

  /** SIGTERM then SIGKILL after stopTimeout, dependents first; then STOPPED. */
  private async stop(reason: string, stopCode: string): Promise<void> {
    if (this.phase === "STOPPED") return;
    this.stopReason ??= { reason, stopCode };
    this.phase = "STOPPING";
    for (const name of stopOrder(this.facts())) {
      const c = this.containers.get(name)!;
      if (!c.dockerId) continue;
      if (c.status === "RUNNING") {
        await this.deps.docker.stopContainer(c.dockerId, c.definition.stopTimeout ?? this.deps.defaultStopTimeoutSeconds).catch((err: unknown) => {
          this.deps.logger.warn({ err, container: c.dockerName }, "stop failed");
        });
      }
      const inspect = await this.deps.docker.inspectContainer(c.dockerId).catch(() => undefined);
      if (inspect) this.absorbInspect(c, inspect);
    }
    await this.shared.stop().catch((err: unknown) => this.deps.logger.warn({ err, task: this.spec.taskArn }, "stopping the task's namespace pause container failed"));
    for (const c of this.containers.values()) if (c.status !== "STOPPED") c.status = "STOPPED";
    this.deps.ports.release([...this.containers.values()].flatMap((c) => c.bindings.map((b) => b.hostPort)));
    // The interface goes with the task, as ECS detaches it: the address is free for the next task.
    await this.releaseNetwork().catch((err: unknown) => this.deps.logger.warn({ err, task: this.spec.taskArn }, "releasing the task's network failed"));
    await this.releaseCgroup();
    this.phase = "STOPPED";
    this.executionStoppedAtMs = this.deps.now();
    this.sendReport();
  }

  /**
   * A container that died SIGKILLed (137) by no stop of the agent's, in a task whose cgroup hit its
   * memory limit, was killed by the kernel for the task's memory, though Docker saw no OOM of the
   * container's own cgroup: ECS's reason. (A stop's own SIGKILL is never blamed: stop() does not ask.)
   */
  private async blameTaskMemory(c: ContainerState): Promise<void> {
    const cgroup = this.cgroup;
    if (cgroup === undefined || c.status !== "STOPPED" || c.exitCode !== 137 || c.reason !== undefined) return;
    if (this.phase === "STOPPING" || this.phase === "STOPPED") return;
    if (await this.deps.cgroups?.hitMemoryLimit(cgroup).catch(() => false)) c.reason = outOfMemoryReason;
  }

  /**
   * Docker may record an OOM kill (its `oom` event, and `OOMKilled`) a moment after the container's
   * `die`: containerd's two events race. A SIGKILL (137) that no stop of the agent's sent and that
   * nothing explains yet is inspected once more, `lateOomFlagMs` later, before it is reported.
   */
  private async awaitLateOomFlag(c: ContainerState): Promise<void> {
    if (c.status !== "STOPPED" || c.exitCode !== 137 || c.reason !== undefined) return;
    if (this.phase === "STOPPING" || this.phase === "STOPPED") return;
    await new Promise<void>((resolve) => this.deps.after(lateOomFlagMs, resolve));
    const inspect = await this.deps.docker.inspectContainer(c.dockerId!).catch(() => undefined);
    if (inspect?.State.OOMKilled) c.reason = outOfMemoryReason;
  }

  private absorbInspect(c: ContainerState, inspect: InspectedContainer): void {
    const outcome = containerOutcome(inspect.State);
    c.status = outcome.status === "PENDING" ? "NONE" : outcome.status;
    c.exitCode = outcome.exitCode;
    c.reason = outcome.reason ?? c.reason;
    c.health = outcome.health;
    c.imageId = inspect.Image;
    c.mounts = inspect.Mounts;
    c.startedAtMs = outcome.startedAt?.getTime();
    c.finishedAtMs = outcome.finishedAt?.getTime();
    // Docker publishes no ports for a container that is not running: keep the ones it had, which
    // the STOPPED report shows and stop() gives back to the port allocator.
    if (c.status === "RUNNING") c.bindings = bindingsOf(inspect);
    c.ipv4 = Object.values(inspect.NetworkSettings?.Networks ?? {}).map((n) => n.IPAddress).filter((ip) => ip !== "");
  }

  private facts(): ContainerFacts[] {
    return [...this.containers.values()].map((c) => ({ name: c.name, definition: c.definition, status: c.status, exitCode: c.exitCode, health: c.health, startedAtMs: c.startedAtMs }));
  }

  private freshContainer(definition: ContainerDefinition): ContainerState {
    const name = definition.name ?? "";
    const suffix = nameSuffix(randomInt63());
    return {
      name,
      definition,
      dockerName: dockerContainerName(
        { taskArn: this.spec.taskArn, containerName: name, family: this.spec.family, revision: this.spec.revision, cluster: this.cluster },
        suffix,
      ),
      metadataId: `${arnId(this.spec.taskArn)}-${suffix.slice(0, 8)}`,
      status: "NONE",
      restartCount: 0,
      health: "UNKNOWN",
      bindings: [],
      ipv4: [],
    };
  }

  private sendReport(): void {
    this.deps.report(this.toReport());
  }
}

/** Why a task asked for a manifest by digest: as ECS, its service revision pinned what the tag named when its deployment started. */
export const pinnedPullFailure = (image: string): string =>
  `the manifest ${image.slice(0, 512)} named when the service's deployment started, which its tasks run (version consistency): a new deployment (UpdateService with forceNewDeployment) takes what the tag names now`;

/** The reason ECS shows for a failed step: a DockerError's own, else the step's error name and the message. */
const reasonOf = (err: unknown, name: string): string => (err instanceof DockerError ? err.reason : `${name}: ${String(err)}`);

/** The id at the end of the ECS_CONTAINER_METADATA_URI_V4 a container was created with. */
export function metadataIdIn(env: readonly string[] | undefined): string | undefined {
  const uri = env?.find((e) => e.startsWith("ECS_CONTAINER_METADATA_URI_V4="))?.slice("ECS_CONTAINER_METADATA_URI_V4=".length);
  return uri === undefined ? undefined : (/\/v4\/([^/]+)\/?$/.exec(uri)?.[1] ?? undefined);
}

/** Host port bindings as Docker reports them (`NetworkSettings.Ports`). */
function bindingsOf(inspect: InspectedContainer): NetworkBinding[] {
  const ports = inspect.NetworkSettings?.Ports ?? {};
  const out: NetworkBinding[] = [];
  for (const [key, hosts] of Object.entries(ports)) {
    const [port, protocol] = key.split("/");
    for (const h of hosts ?? []) {
      if (h.HostIp.includes(":")) continue; // one binding per port, as ECS reports (IPv4)
      out.push({ bindIP: h.HostIp || "0.0.0.0", containerPort: Number(port), hostPort: Number(h.HostPort), protocol: protocol === "udp" ? "udp" : "tcp" });
    }
  }
  return out;
}
