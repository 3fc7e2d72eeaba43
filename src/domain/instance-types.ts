/**
 * What an EC2 instance type offers a container instance that registers without `totalResources`:
 * vCPUs and installed memory of common types, and the share of memory an ECS agent registers.
 *
 * The ECS agent registers CPU as 1,024 units per vCPU and MEMORY as the memory the operating system
 * reports, less `ECS_RESERVED_MEMORY` (0 by default). The operating system reports less than the
 * installed memory (kernel and platform overhead): ECS's documentation gives an m4.large, 8 GiB
 * installed, registering 7,985 MiB. Berth takes that ratio for every type.
 */
export interface InstanceTypeResources {
  readonly vcpus: number;
  /** Installed memory, MiB. */
  readonly memoryMiB: number;
}

const GiB = 1024;

/** The burstable types, whose sizes do not follow one ratio. */
const burstable: Readonly<Record<string, readonly [vcpus: number, gib: number]>> = {
  "t2.nano": [1, 0.5],
  "t2.micro": [1, 1],
  "t2.small": [1, 2],
  "t2.medium": [2, 4],
  "t2.large": [2, 8],
  "t2.xlarge": [4, 16],
  "t2.2xlarge": [8, 32],
  ...sizesOf(["t3", "t3a", "t4g"], {
    nano: [2, 0.5],
    micro: [2, 1],
    small: [2, 2],
    medium: [2, 4],
    large: [2, 8],
    xlarge: [4, 16],
    "2xlarge": [8, 32],
  }),
};

/** General purpose (4 GiB per vCPU), compute (2 GiB) and memory optimized (8 GiB) families. */
const families: Readonly<Record<string, number>> = {
  ...Object.fromEntries(["m4", "m5", "m5a", "m6i", "m6a", "m6g", "m7i", "m7a", "m7g"].map((f) => [f, 4])),
  ...Object.fromEntries(["c5", "c5a", "c6i", "c6a", "c6g", "c7i", "c7a", "c7g"].map((f) => [f, 2])),
  ...Object.fromEntries(["r5", "r5a", "r6i", "r6a", "r6g", "r7i", "r7a", "r7g"].map((f) => [f, 8])),
};
const sizes: Readonly<Record<string, number>> = { large: 2, xlarge: 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64 };

function sizesOf(names: readonly string[], bySize: Readonly<Record<string, readonly [number, number]>>): Record<string, readonly [number, number]> {
  return Object.fromEntries(names.flatMap((n) => Object.entries(bySize).map(([size, v]) => [`${n}.${size}`, v])));
}

/** The type's vCPUs and installed memory, or undefined for a type the table does not hold. */
export function instanceTypeResources(instanceType: string): InstanceTypeResources | undefined {
  if (Object.hasOwn(burstable, instanceType)) {
    const [vcpus, gib] = burstable[instanceType]!;
    return { vcpus, memoryMiB: gib * GiB };
  }
  const [family = "", size = ""] = instanceType.split(".");
  if (!Object.hasOwn(families, family) || !Object.hasOwn(sizes, size)) return undefined;
  const vcpus = sizes[size]!;
  return { vcpus, memoryMiB: vcpus * families[family]! * GiB };
}

/** ECS's documented example: an m4.large's 8,192 MiB installed register as 7,985 MiB. */
const reportedShare = { reported: 7985, installed: 8192 };

/** CPU units and MEMORY (MiB) an ECS agent registers for the type, with `ECS_RESERVED_MEMORY` 0. */
export function registeredResourcesOf(t: InstanceTypeResources): { cpu: number; memory: number } {
  return { cpu: t.vcpus * 1024, memory: Math.floor((t.memoryMiB * reportedShare.reported) / reportedShare.installed) };
}
