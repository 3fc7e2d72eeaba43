/**
 * A task's volumes on this host, made as the ECS agent makes them, before the containers that
 * mount them are created:
 * - `host.sourcePath`: a bind of that host path (Docker creates a missing directory);
 * - `host` without a path, or a volume with no configuration: an empty volume of the task's own,
 *   a Docker volume of the `local` driver;
 * - `dockerVolumeConfiguration` of scope `task` (the default): a Docker volume of the task's own,
 *   of the driver, options and labels given;
 * - scope `shared`: the Docker volume named as the task volume, which outlives the task: made when
 *   missing and `autoprovision` is true, otherwise it must exist; with
 *   ECS_SHARED_VOLUME_MATCH_FULL_CONFIG, one that exists must carry the labels and driver options
 *   asked for.
 *
 * A task's own volumes are named `ecs-<family>-<revision>-<volume>-<suffix>`, as its containers
 * are, and carry the task's ARN label: an agent restarted finds them by it, and removes them with
 * the task's containers. Volumes that no container mounts are not made. EFS, FSx, S3 Files and
 * volumes configured at launch need attributes no Berth agent advertises, so placement keeps such
 * tasks away; one that arrives all the same fails here, and says why.
 */
import type { ContainerDefinition, Volume } from "@aws-sdk/client-ecs";
import type { TaskSpec } from "../agent-protocol/messages.js";
import type { VolumeSource } from "./docker/container-storage.js";
import type { DockerEngine } from "./docker/docker-engine.js";
import { DockerError } from "./docker/errors.js";
import { agentLabelKeys, dockerObjectName, nameSuffix, randomInt63 } from "./docker/naming.js";

/** The label naming which task volume a task's own Docker volume is. */
export const taskVolumeLabel = "berth.task-volume";

/** What one mounted task volume is on Docker's side. */
export type VolumePlan =
  | { readonly kind: "bind"; readonly name: string; readonly hostPath: string }
  | {
      readonly kind: "task" | "shared";
      readonly name: string;
      readonly autoprovision: boolean;
      readonly driver: string;
      readonly driverOpts: Readonly<Record<string, string>>;
      readonly labels: Readonly<Record<string, string>>;
    }
  | { readonly kind: "unsupported"; readonly name: string; readonly what: string };

const unsupportedKinds: ReadonlyArray<readonly [keyof Volume, string]> = [
  ["efsVolumeConfiguration", "EFS volumes"],
  ["fsxWindowsFileServerVolumeConfiguration", "FSx for Windows File Server volumes"],
  ["s3filesVolumeConfiguration", "S3 Files volumes"],
  ["configuredAtLaunch", "volumes configured at launch (Amazon EBS)"],
];

/** The plan of each volume some container mounts, in the task definition's order. */
export function volumePlans(volumes: readonly Volume[], containers: readonly ContainerDefinition[]): VolumePlan[] {
  const mounted = new Set(containers.flatMap((c) => (c.mountPoints ?? []).map((m) => m.sourceVolume)));
  return volumes.filter((v) => mounted.has(v.name)).map((v): VolumePlan => {
    const name = v.name ?? "";
    const unsupported = unsupportedKinds.find(([key]) => v[key] !== undefined && v[key] !== false);
    if (unsupported) return { kind: "unsupported", name, what: unsupported[1] };
    if (v.host?.sourcePath !== undefined && v.host.sourcePath !== "") return { kind: "bind", name, hostPath: v.host.sourcePath };
    const docker = v.dockerVolumeConfiguration;
    return {
      kind: docker?.scope === "shared" ? "shared" : "task",
      name,
      autoprovision: docker?.autoprovision === true,
      driver: docker?.driver ?? "local",
      driverOpts: docker?.driverOpts ?? {},
      labels: ownLabels(docker?.labels),
    };
  });
}

/**
 * A task definition's volume labels, less the agent's own keys (`com.amazonaws.ecs.*`, `berth.*`):
 * a shared volume labelled as another task's would be removed with that task.
 */
const ownLabels = (labels: Readonly<Record<string, string>> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(labels ?? {}).filter(([key]) => !key.startsWith("com.amazonaws.ecs.") && !key.startsWith("berth.")));

const failed = (message: string): DockerError => new DockerError("CannotCreateVolumeError", message);

type DockerVolumePlan = Extract<VolumePlan, { kind: "task" | "shared" }>;

/** Makes (or finds) every volume the task's containers mount; what each is, by task volume name. */
export async function readyTaskVolumes(
  docker: DockerEngine,
  spec: TaskSpec,
  options: { readonly matchSharedConfig: boolean },
): Promise<Record<string, VolumeSource>> {
  const plans = volumePlans(spec.volumes, spec.containers);
  const own = plans.some((p) => p.kind === "task") ? await ownVolumes(docker, spec.taskArn) : new Map<string, string>();
  const sources: Record<string, VolumeSource> = {};
  for (const plan of plans) {
    if (plan.kind === "unsupported") throw failed(`volume '${plan.name}': ${plan.what} are not supported on this host`);
    if (plan.kind === "bind") sources[plan.name] = { type: "bind", hostPath: plan.hostPath };
    else if (plan.kind === "shared") sources[plan.name] = { type: "volume", dockerVolumeName: await readySharedVolume(docker, plan, options.matchSharedConfig) };
    else sources[plan.name] = { type: "volume", dockerVolumeName: own.get(plan.name) ?? (await createOwnVolume(docker, spec, plan)) };
  }
  return sources;
}

/** The task's own volumes made before (by an agent since restarted), by task volume name. */
async function ownVolumes(docker: DockerEngine, taskArn: string): Promise<Map<string, string>> {
  const found = await docker.listVolumes({ [agentLabelKeys.taskArn]: taskArn });
  return new Map(found.flatMap((v) => (v.Labels?.[taskVolumeLabel] !== undefined ? [[v.Labels[taskVolumeLabel], v.Name] as const] : [])));
}

async function createOwnVolume(docker: DockerEngine, spec: TaskSpec, plan: DockerVolumePlan): Promise<string> {
  const name = dockerObjectName({ family: spec.family, revision: spec.revision, name: plan.name }, nameSuffix(randomInt63()));
  const labels = { ...plan.labels, [agentLabelKeys.taskArn]: spec.taskArn, [taskVolumeLabel]: plan.name };
  await docker.createVolume({ Name: name, Driver: plan.driver, DriverOpts: plan.driverOpts, Labels: labels });
  return name;
}

/** The shared volume of the plan's name: found, or made when autoprovision allows. */
async function readySharedVolume(docker: DockerEngine, plan: DockerVolumePlan, matchConfig: boolean): Promise<string> {
  const found = await docker.inspectVolume(plan.name);
  if (found === undefined) {
    if (!plan.autoprovision) throw failed(`volume '${plan.name}' does not exist and autoprovision is set to false`);
    await docker.createVolume({ Name: plan.name, Driver: plan.driver, DriverOpts: plan.driverOpts, Labels: plan.labels });
  } else if (matchConfig) {
    // ECS_SHARED_VOLUME_MATCH_FULL_CONFIG: the labels and driver options asked for (none and empty alike).
    if (!sameEntries(found.Labels, plan.labels)) throw failed(mismatch(plan.name, "labels", found.Labels, plan.labels));
    if (!sameEntries(found.Options, plan.driverOpts)) throw failed(mismatch(plan.name, "driver options", found.Options, plan.driverOpts));
  }
  return plan.name;
}

const sameEntries = (a: Readonly<Record<string, string>> | null, b: Readonly<Record<string, string>>): boolean =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b).sort());

const mismatch = (name: string, what: string, existing: Readonly<Record<string, string>> | null, expected: Readonly<Record<string, string>>): string =>
  `shared volume '${name}' exists with other ${what}: existing ${JSON.stringify(existing ?? {})}, expected ${JSON.stringify(expected)}`;

/** Removes the task's own volumes once its containers are gone; shared volumes stay. */
export async function removeTaskVolumes(docker: DockerEngine, taskArn: string): Promise<void> {
  for (const v of await docker.listVolumes({ [agentLabelKeys.taskArn]: taskArn })) await docker.removeVolume(v.Name);
}
