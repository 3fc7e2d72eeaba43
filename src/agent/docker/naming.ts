/**
 * Docker names and labels of the containers the agent creates, as the ECS agent writes them.
 *
 * The labels are how an agent finds its containers again after a restart: every container it
 * creates carries the task ARN and the container's name, so `listContainers` by label and
 * {@link parseAgentLabels} rebuild the (task, container) → Docker id map without any local state.
 */
import { randomBytes } from "node:crypto";

/** The labels the agent writes on every container it creates. */
export const agentLabelKeys = {
  taskArn: "com.amazonaws.ecs.task-arn",
  containerName: "com.amazonaws.ecs.container-name",
  family: "com.amazonaws.ecs.task-definition-family",
  revision: "com.amazonaws.ecs.task-definition-version",
  cluster: "com.amazonaws.ecs.cluster",
} as const;

/** What identifies one container of one task. */
export interface ContainerIdentity {
  readonly taskArn: string;
  readonly containerName: string;
  readonly family: string;
  /** The task definition revision (ECS calls it "version" in labels and the agent API). */
  readonly revision: number | string;
  readonly cluster: string;
}

/** The bytes a name suffix holds: a varint of a random int63 in a 10-byte buffer, as hex. */
const suffixBytes = 10;
const int63Bound = (1n << 63n) - 1n;

/**
 * The 20-hex-digit suffix of a Docker name from a random integer in [0, 2^63 - 1). The ECS agent
 * writes it as a signed (zig-zag) varint into a zeroed 10-byte buffer, so every suffix has 20
 * digits whatever the number's size (e.g. `fcae8ac8f9f1d89d8301`).
 */
export function nameSuffix(randomInt63: bigint): string {
  if (randomInt63 < 0n || randomInt63 >= int63Bound) {
    throw new RangeError(`name suffix source ${randomInt63} is outside [0, 2^63 - 1)`);
  }
  const bytes = new Uint8Array(suffixBytes);
  let v = randomInt63 << 1n; // zig-zag of a non-negative number
  let i = 0;
  while (v >= 0x80n) {
    bytes[i++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  bytes[i] = Number(v);
  return Buffer.from(bytes).toString("hex");
}

/** Decodes a suffix back to its integer; undefined when it is not one {@link nameSuffix} makes. */
export function decodeNameSuffix(suffix: string): bigint | undefined {
  if (!/^[0-9a-f]{20}$/.test(suffix)) return undefined;
  const bytes = Buffer.from(suffix, "hex");
  let v = 0n;
  for (let i = 0; i < suffixBytes; i++) {
    const b = bytes[i]!;
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) {
      const padding = bytes.subarray(i + 1);
      return (v & 1n) === 0n && padding.every((p) => p === 0) ? v >> 1n : undefined;
    }
  }
  return undefined;
}

/** A random int63 for {@link nameSuffix}, from the given random source (crypto by default). */
export function randomInt63(random: (size: number) => Uint8Array = randomBytes): bigint {
  const bytes = random(8);
  const n = Buffer.from(bytes).readBigUInt64BE() & int63Bound;
  return n === int63Bound ? 0n : n;
}

/**
 * `ecs-<family>-<revision>-<name>-<suffix>`: the Docker name of a container (or task-scoped
 * volume). Only `[A-Za-z0-9-]` of the name are kept, as Docker names cannot hold every character
 * ECS allows in container names; the family is kept whole (its alphabet fits Docker's).
 */
export function dockerObjectName(
  parts: { readonly family: string; readonly revision: number | string; readonly name: string },
  suffix: string,
): string {
  const name = parts.name.replace(/[^A-Za-z0-9-]+/g, "");
  return `ecs-${parts.family}-${parts.revision}-${name}-${suffix}`;
}

/** The Docker name for one container of a task. */
export function dockerContainerName(id: ContainerIdentity, suffix: string): string {
  return dockerObjectName({ family: id.family, revision: id.revision, name: id.containerName }, suffix);
}

/** The agent's labels for a container. */
export function agentLabels(id: ContainerIdentity): Record<string, string> {
  return {
    [agentLabelKeys.taskArn]: id.taskArn,
    [agentLabelKeys.containerName]: id.containerName,
    [agentLabelKeys.family]: id.family,
    [agentLabelKeys.revision]: String(id.revision),
    [agentLabelKeys.cluster]: id.cluster,
  };
}

/**
 * User `dockerLabels` with the agent's labels written last, so that a task definition cannot
 * make one task's container pass for another's (or hide from re-adoption).
 */
export function containerLabels(
  dockerLabels: Readonly<Record<string, string>> | undefined,
  id: ContainerIdentity,
): Record<string, string> {
  return { ...dockerLabels, ...agentLabels(id) };
}

/** The identity a container's labels carry, as found after an agent restart. */
export interface AdoptedIdentity {
  readonly taskArn: string;
  readonly containerName: string;
  readonly family?: string;
  readonly revision?: string;
  readonly cluster?: string;
}

/**
 * The task and container a labelled container belongs to; undefined for containers the agent did
 * not create (no task ARN or container name label, or an empty one).
 */
export function parseAgentLabels(labels: Readonly<Record<string, string>> | undefined): AdoptedIdentity | undefined {
  const taskArn = labels?.[agentLabelKeys.taskArn];
  const containerName = labels?.[agentLabelKeys.containerName];
  if (!taskArn || !containerName) return undefined;
  const optional = (key: string): string | undefined => {
    const v = labels[key];
    return v === undefined || v === "" ? undefined : v;
  };
  return {
    taskArn,
    containerName,
    family: optional(agentLabelKeys.family),
    revision: optional(agentLabelKeys.revision),
    cluster: optional(agentLabelKeys.cluster),
  };
}
