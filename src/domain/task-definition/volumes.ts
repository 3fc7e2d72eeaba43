/**
 * Task volumes and the containers' references to them: volume names are unique, each volume has one
 * kind, mountPoints name a defined volume, volumesFrom names another container of the task.
 */
import type { Volume } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { namePattern } from "./container.js";
import { isOneOf, volumeScopes } from "./enums.js";
import { messages } from "./messages.js";
import type { NormalizedContainer } from "./types.js";
import { excerpt } from "../../observability/excerpt.js";

const kindsOf = (v: Volume): number =>
  [v.host, v.dockerVolumeConfiguration, v.efsVolumeConfiguration, v.fsxWindowsFileServerVolumeConfiguration, v.s3filesVolumeConfiguration]
    .filter((k) => k !== undefined).length + (v.configuredAtLaunch === true ? 1 : 0);

/** The task's volumes as ECS returns them (an empty list when none); throws ClientException on a bad one. */
export function normalizeVolumes(volumes: readonly Volume[] | undefined): Volume[] {
  const seen = new Set<string>();
  for (const v of volumes ?? []) {
    const name = v.name ?? "";
    if (!namePattern.test(name)) throw clientException(messages.invalidVolumeName(name));
    if (seen.has(name)) throw clientException(messages.duplicateVolumeName(name));
    seen.add(name);
    if (kindsOf(v) > 1) throw clientException(messages.volumeTypes(name));
    const docker = v.dockerVolumeConfiguration;
    if (docker) {
      if (docker.scope !== undefined && !isOneOf(volumeScopes, docker.scope)) {
        throw clientException(messages.invalidEnum(`dockerVolumeConfiguration scope for volume '${excerpt(name)}':`, docker.scope, volumeScopes));
      }
      if (docker.autoprovision === true && docker.scope !== "shared") throw clientException(messages.autoprovisionNeedsShared(name));
    }
  }
  if ((volumes ?? []).filter((v) => v.configuredAtLaunch === true).length > 1) throw clientException(messages.tooManyConfiguredAtLaunch());
  return [...(volumes ?? [])];
}

/** mountPoints and volumesFrom of every container refer to things that exist. */
export function checkMounts(containers: readonly NormalizedContainer[], volumes: readonly Volume[]): void {
  const volumeNames = new Set(volumes.map((v) => v.name));
  const containerNames = new Set(containers.map((c) => c.name));
  for (const c of containers) {
    const paths = new Set<string>();
    for (const m of c.mountPoints) {
      if (!m.sourceVolume || !m.containerPath) throw clientException(messages.mountPointIncomplete(c.name));
      if (!volumeNames.has(m.sourceVolume)) throw clientException(messages.unknownVolume(c.name, m.sourceVolume));
      if (paths.has(m.containerPath)) throw clientException(messages.duplicateMountPath(c.name, m.containerPath));
      paths.add(m.containerPath);
    }
    for (const f of c.volumesFrom) {
      const source = f.sourceContainer ?? "";
      if (source === c.name) throw clientException(messages.volumesFromSelf(c.name));
      if (!containerNames.has(source)) throw clientException(messages.unknownVolumesFrom(c.name, source));
    }
  }
}
