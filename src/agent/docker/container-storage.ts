/**
 * A container's storage: task volumes (mountPoints), volumesFrom, tmpfs mounts.
 *
 * Host paths go in `Binds`, as the ECS agent writes them: Docker creates a missing host
 * directory for a bind, where a `Mounts` entry of type bind would fail. Docker volumes go in
 * `Mounts`, naming the volume the agent created (task scope) or found (shared scope).
 */
import type { MountPoint, Tmpfs, VolumeFrom } from "@aws-sdk/client-ecs";
import { DockerError } from "./errors.js";
import type { MountSpec } from "./docker-spec.js";

/** Where a task volume lives on this host, resolved by the agent before creating containers. */
export type VolumeSource =
  | { readonly type: "bind"; readonly hostPath: string }
  | { readonly type: "volume"; readonly dockerVolumeName: string };

export interface StorageInput {
  readonly mountPoints: readonly MountPoint[] | undefined;
  readonly volumesFrom: readonly VolumeFrom[] | undefined;
  readonly tmpfs: readonly Tmpfs[] | undefined;
  /** Task volumes by name. */
  readonly volumes: Readonly<Record<string, VolumeSource>>;
  /** Docker names of the task's other containers, by container name. */
  readonly dockerNames: Readonly<Record<string, string>>;
}

export interface StorageSpec {
  Binds?: string[];
  Mounts?: MountSpec[];
  VolumesFrom?: string[];
  Tmpfs?: Record<string, string>;
}

const broken = (message: string): DockerError => new DockerError("CannotCreateContainerError", message);

/** Binds, Mounts, VolumesFrom and Tmpfs for one container. */
export function containerStorage(input: StorageInput): StorageSpec {
  const binds: string[] = [];
  const mounts: MountSpec[] = [];
  for (const mp of input.mountPoints ?? []) {
    const name = mp.sourceVolume ?? "";
    const target = mp.containerPath;
    if (!target) throw broken(`mount point of volume "${name}" has no containerPath`);
    const source = Object.hasOwn(input.volumes, name) ? input.volumes[name] : undefined;
    if (source === undefined) throw broken(`mount point references unknown volume "${name}"`);
    const readOnly = mp.readOnly === true;
    if (source.type === "bind") binds.push(`${source.hostPath}:${target}${readOnly ? ":ro" : ""}`);
    else mounts.push({ Type: "volume", Source: source.dockerVolumeName, Target: target, ReadOnly: readOnly });
  }

  const volumesFrom = (input.volumesFrom ?? []).map((vf) => {
    const source = vf.sourceContainer ?? "";
    const dockerName = Object.hasOwn(input.dockerNames, source) ? input.dockerNames[source] : undefined;
    if (dockerName === undefined) throw broken(`volumesFrom references unknown container "${source}"`);
    return `${dockerName}:${vf.readOnly === true ? "ro" : "rw"}`;
  });

  const tmpfs: Record<string, string> = {};
  for (const t of input.tmpfs ?? []) {
    if (!t.containerPath) throw broken("a tmpfs mount has no containerPath");
    if (t.size === undefined || !(t.size > 0)) throw broken(`tmpfs ${t.containerPath} needs a size in MiB`);
    tmpfs[t.containerPath] = [`size=${t.size}m`, ...(t.mountOptions ?? [])].join(",");
  }

  return {
    ...(binds.length > 0 && { Binds: binds }),
    ...(mounts.length > 0 && { Mounts: mounts }),
    ...(volumesFrom.length > 0 && { VolumesFrom: volumesFrom }),
    ...(Object.keys(tmpfs).length > 0 && { Tmpfs: tmpfs }),
  };
}
