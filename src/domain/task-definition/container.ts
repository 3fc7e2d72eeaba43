/**
 * One container definition on its own: identity, image, resources, network-mode restrictions, and the
 * defaults ECS returns for it. Rules that compare containers live in dependencies.ts, volumes.ts and
 * resources.ts.
 *
 * Defaults, as seen in real RegisterTaskDefinition / DescribeTaskDefinition output:
 * `cpu: 0` (ECS fills 0 when cpu is unset), `essential: true`, and empty `portMappings`, `environment`,
 * `mountPoints`, `volumesFrom` and (since 2024) `systemControls`. Nothing else is invented: other
 * optional members stay absent when the request leaves them out.
 */
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { checkContainerOptions } from "./container-options.js";
import { containerConditions, isOneOf } from "./enums.js";
import { normalizeHealthCheck } from "./health-check.js";
import { checkLogConfiguration } from "./log-configuration.js";
import { messages } from "./messages.js";
import { normalizePortMappings } from "./port-mappings.js";
import type { NormalizedContainer, TaskFacts } from "./types.js";

export const namePattern = /^[A-Za-z0-9_-]{1,255}$/;
/** ECS counts the 255 characters before any '@' digest (API reference, ContainerDefinition.image). */
const maxImageName = 255;
const digestPattern = /^sha256:[A-Fa-f0-9]{64}$/;

export function normalizeContainer(c: ContainerDefinition, facts: TaskFacts): NormalizedContainer {
  const name = c.name ?? "";
  if (!namePattern.test(name)) throw clientException(messages.invalidContainerName(name));
  const image = checkImage(name, c.image);
  for (const field of ["cpu", "startTimeout", "stopTimeout"] as const) {
    const value = c[field];
    if (value !== undefined && value < 0) throw clientException(messages.negative(name, field, value));
  }
  checkNetworkModeRestrictions(name, c, facts);
  for (const d of c.dependsOn ?? []) {
    if (!isOneOf(containerConditions, d.condition)) {
      throw clientException(messages.invalidContainerEnum(name, "dependsOn condition", d.condition, containerConditions));
    }
  }
  if (c.logConfiguration) checkLogConfiguration(name, c.logConfiguration);
  checkContainerOptions({ ...c, name });
  const normalized: NormalizedContainer = {
    ...c,
    name,
    image,
    cpu: c.cpu ?? 0,
    essential: c.essential ?? true,
    portMappings: normalizePortMappings(name, c.portMappings ?? [], facts.networkMode),
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    systemControls: c.systemControls ?? [],
  };
  if (c.healthCheck) normalized.healthCheck = normalizeHealthCheck(name, c.healthCheck);
  return normalized;
}

function checkImage(container: string, image: string | undefined): string {
  if (image === undefined || image.trim() === "") throw clientException(messages.missingImage(container));
  const at = image.indexOf("@");
  const repository = at === -1 ? image : image.slice(0, at);
  if (repository.length > maxImageName) throw clientException(messages.imageTooLong(container, maxImageName));
  if (at !== -1 && !digestPattern.test(image.slice(at + 1))) throw clientException(messages.invalidImageDigest(container));
  return image;
}

function checkNetworkModeRestrictions(name: string, c: ContainerDefinition, facts: TaskFacts): void {
  const mode = facts.networkMode;
  if ((c.links ?? []).length > 0 && mode !== "bridge") throw clientException(messages.linksNotSupported(mode, name));
  if (mode === "awsvpc") {
    if (c.hostname !== undefined) throw clientException(messages.hostnameNotSupported(name));
    if ((c.extraHosts ?? []).length > 0) throw clientException(messages.extraHostsNotSupported(name));
    // Docker refuses DNS settings for a container that joins another's network namespace, as every awsvpc container does.
    if ((c.dnsServers ?? []).length > 0) throw clientException(messages.notWithAwsvpc("dnsServers", name));
    if ((c.dnsSearchDomains ?? []).length > 0) throw clientException(messages.notWithAwsvpc("dnsSearchDomains", name));
  }
}
