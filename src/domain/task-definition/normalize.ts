/**
 * RegisterTaskDefinition's decision: a request in, the task definition document ECS would return out,
 * or an AwsError with the exception and message ECS would send. Pure and synchronous; the handler adds
 * the ARN, revision, status and registration stamps, and stores the request's tags.
 *
 * Checks run in a fixed order and the first failure is reported, as ECS reports one problem per call:
 * size, family, task-level settings, each container, then rules across containers, then the launch
 * types the request asks for.
 */
import type {
  Compatibility,
  NetworkMode,
  RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { compatibilitiesOf, launchTypeProblem } from "./compatibilities.js";
import { namePattern, normalizeContainer } from "./container.js";
import { checkDependencies } from "./dependencies.js";
import { compatibilityValues, cpuArchitectures, ipcModes, isOneOf, networkModes, osFamilies, pidModes } from "./enums.js";
import { checkFirelensRouter } from "./log-configuration.js";
import { messages } from "./messages.js";
import { normalizePlacementConstraints } from "./placement-constraints.js";
import { requiredAttributes } from "./requires-attributes.js";
import { checkResources } from "./resources.js";
import { checkSecretsRole } from "./secrets.js";
import { validateTags } from "../tags.js";
import type { ExpressionCheck, NormalizedContainer, NormalizedTaskDefinition, TaskFacts } from "./types.js";
import { ec2TaskCpu, maxTaskMemory, parseTaskCpu, parseTaskMemory } from "./units.js";
import { checkMounts, normalizeVolumes } from "./volumes.js";

export interface NormalizeOptions {
  /** The placement engine's memberOf expression parser; without it only presence and length are checked. */
  readonly validateExpression?: ExpressionCheck;
}

/** ECS's quotas for a task definition: 64 KiB of JSON and 10 containers. */
export const taskDefinitionLimits = { maxBytes: 65_536, maxContainers: 10 } as const;
export const ephemeralStorageGiB = { min: 21, max: 200 } as const;

/** The network mode a definition runs with; ECS's Linux default is bridge, and ECS does not echo it. */
export const effectiveNetworkMode = (def: { readonly networkMode?: NetworkMode | undefined }): NetworkMode => def.networkMode ?? "bridge";

/**
 * The document ECS returns for `input`, without the handler's stamps. Throws AwsError
 * (ClientException, or InvalidParameterException for tags) when ECS would refuse the request.
 */
export function normalizeTaskDefinition(
  input: RegisterTaskDefinitionCommandInput,
  options: NormalizeOptions = {},
): NormalizedTaskDefinition {
  const bytes = new TextEncoder().encode(JSON.stringify(input)).length;
  if (bytes > taskDefinitionLimits.maxBytes) throw clientException(messages.tooLarge(bytes, taskDefinitionLimits.maxBytes));
  // A private copy: the document must never share objects with the caller's request.
  const request = structuredClone(input);
  const family = request.family ?? "";
  if (!namePattern.test(family)) throw clientException(messages.invalidFamily(family));
  const facts = taskFacts(request);

  const containers = normalizeContainers(request, facts);
  const volumes = normalizeVolumes(request.volumes);
  checkMounts(containers, volumes);
  checkDependencies(containers);
  checkResources(containers, facts);
  const placementConstraints = normalizePlacementConstraints(request.placementConstraints, options.validateExpression);
  checkFirelensRouter(containers);
  checkSecretsRole(containers, request.executionRoleArn);
  const proxy = request.proxyConfiguration;
  if (proxy && !containers.some((c) => c.name === proxy.containerName)) {
    throw clientException(messages.unknownProxyContainer(proxy.containerName ?? ""));
  }
  const storage = request.ephemeralStorage?.sizeInGiB;
  if (storage !== undefined && (storage < ephemeralStorageGiB.min || storage > ephemeralStorageGiB.max)) {
    throw clientException(messages.ephemeralStorage(storage));
  }
  validateTags(request.tags);

  const doc: NormalizedTaskDefinition = {
    family,
    containerDefinitions: containers,
    volumes,
    placementConstraints,
    compatibilities: [],
  };
  // Copied member by member so that nothing the request carries beyond the model reaches the store.
  if (request.taskRoleArn !== undefined) doc.taskRoleArn = request.taskRoleArn;
  if (request.executionRoleArn !== undefined) doc.executionRoleArn = request.executionRoleArn;
  if (request.networkMode !== undefined) doc.networkMode = request.networkMode;
  if (request.requiresCompatibilities !== undefined) doc.requiresCompatibilities = request.requiresCompatibilities;
  if (facts.cpu !== undefined) doc.cpu = String(facts.cpu);
  if (facts.memory !== undefined) doc.memory = String(facts.memory);
  if (request.pidMode !== undefined) doc.pidMode = request.pidMode;
  if (request.ipcMode !== undefined) doc.ipcMode = request.ipcMode;
  if (request.proxyConfiguration !== undefined) doc.proxyConfiguration = request.proxyConfiguration;
  if (request.inferenceAccelerators !== undefined) doc.inferenceAccelerators = request.inferenceAccelerators;
  if (request.ephemeralStorage !== undefined) doc.ephemeralStorage = request.ephemeralStorage;
  if (request.runtimePlatform !== undefined) doc.runtimePlatform = request.runtimePlatform;
  if (request.enableFaultInjection !== undefined) doc.enableFaultInjection = request.enableFaultInjection;

  for (const launchType of facts.requires) {
    const problem = launchTypeProblem(launchType, doc, facts);
    if (problem !== undefined) throw clientException(problem);
  }
  doc.compatibilities = compatibilitiesOf(doc, facts);
  const attributes = requiredAttributes(doc, facts);
  if (attributes.length > 0) doc.requiresAttributes = attributes;
  return doc;
}

/** Task-level enums and sizes, checked and parsed once. */
function taskFacts(request: RegisterTaskDefinitionCommandInput): TaskFacts {
  const requires: Compatibility[] = [];
  for (const c of request.requiresCompatibilities ?? []) {
    if (!isOneOf(compatibilityValues, c)) throw clientException(messages.invalidEnum("requiresCompatibilities value", c, compatibilityValues));
    if (!requires.includes(c)) requires.push(c);
  }
  const enums = [
    ["networkMode", request.networkMode, networkModes],
    ["pidMode", request.pidMode, pidModes],
    ["ipcMode", request.ipcMode, ipcModes],
    ["runtimePlatform cpuArchitecture", request.runtimePlatform?.cpuArchitecture, cpuArchitectures],
    ["runtimePlatform operatingSystemFamily", request.runtimePlatform?.operatingSystemFamily, osFamilies],
  ] as const;
  for (const [field, value, valid] of enums) {
    if (value !== undefined && !isOneOf<string>(valid, value)) throw clientException(messages.invalidEnum(field, value, valid));
  }
  return {
    networkMode: effectiveNetworkMode(request),
    cpu: request.cpu === undefined ? undefined : taskCpu(request.cpu, requires),
    memory: request.memory === undefined ? undefined : taskMemory(request.memory),
    requires,
  };
}

function taskCpu(text: string, requires: readonly Compatibility[]): number {
  const units = parseTaskCpu(text);
  if (units === undefined) throw clientException(messages.invalidTaskCpu(text, "Use CPU units such as '1024' or vCPUs such as '1 vCPU'."));
  // Fargate sizes are checked against Fargate's own table later, with its own message.
  if (!requires.includes("FARGATE") && (units < ec2TaskCpu.min || units > ec2TaskCpu.max)) {
    throw clientException(messages.invalidTaskCpu(text, `Task cpu must be from ${ec2TaskCpu.min} to ${ec2TaskCpu.max} units.`));
  }
  return units;
}

function taskMemory(text: string): number {
  const mib = parseTaskMemory(text);
  if (mib === undefined || mib <= 0 || mib > maxTaskMemory) {
    throw clientException(messages.invalidTaskMemory(text, `Use MiB such as '512' or GB such as '1GB', from 1 to ${maxTaskMemory} MiB.`));
  }
  return mib;
}

function normalizeContainers(request: RegisterTaskDefinitionCommandInput, facts: TaskFacts): NormalizedContainer[] {
  const definitions = request.containerDefinitions ?? [];
  if (definitions.length === 0) throw clientException(messages.noContainers());
  if (definitions.length > taskDefinitionLimits.maxContainers) {
    throw clientException(messages.tooManyContainers(definitions.length, taskDefinitionLimits.maxContainers));
  }
  const names = new Set<string>();
  const containers = definitions.map((d) => {
    const c = normalizeContainer(d, facts);
    if (names.has(c.name)) throw clientException(messages.duplicateContainerName(c.name));
    names.add(c.name);
    return c;
  });
  if (!containers.some((c) => c.essential)) throw clientException(messages.noEssentialContainer());
  const portNames = new Set<string>();
  for (const p of containers.flatMap((c) => c.portMappings)) {
    if (p.name === undefined) continue;
    if (portNames.has(p.name)) throw clientException(messages.duplicatePortMappingName(p.name));
    portNames.add(p.name);
  }
  return containers;
}
