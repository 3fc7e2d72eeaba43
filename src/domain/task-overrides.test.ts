import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskOverride } from "@aws-sdk/client-ecs";
import { AwsError } from "../errors/catalog.js";
import { normalizeOverrides, overridesLimits } from "./task-overrides.js";

const containers = ["web", "sidecar"];

/** Overrides whose compact JSON is exactly `length` characters: one command argument padded to fit. */
function overridesOfLength(length: number): TaskOverride {
  const empty = JSON.stringify({ containerOverrides: [{ name: "web", command: [""] }] }).length;
  return { containerOverrides: [{ name: "web", command: ["x".repeat(length - empty)] }] };
}

/** [what, overrides, the exact InvalidParameterException message] */
const refused: readonly [string, TaskOverride, string][] = [
  [
    "overrides of 8193 characters",
    overridesOfLength(8193),
    "Container Overrides length must be at most 8192. These overrides are 8193 characters of JSON; put large values in the task definition or in environmentFiles instead.",
  ],
  [
    "a 900 KB command",
    { containerOverrides: [{ name: "web", command: ["x".repeat(900_000)] }] },
    "Container Overrides length must be at most 8192. These overrides are 900054 characters of JSON; put large values in the task definition or in environmentFiles instead.",
  ],
  ["an override of a container the definition lacks", { containerOverrides: [{ name: "db", command: ["x"] }] }, "Override for container named db is not a container in the TaskDefinition."],
  ["a nameless override that sets a command", { containerOverrides: [{ command: ["x"] }] }, "A container override that sets anything must name its container: add 'name' to each entry of containerOverrides."],
  ["two overrides of one container", { containerOverrides: [{ name: "web", command: ["a"] }, { name: "web", cpu: 1 }] }, "Container web has more than one entry in containerOverrides; merge them into one."],
  ["a negative container cpu", { containerOverrides: [{ name: "web", cpu: -1 }] }, "Invalid 'cpu' override for container web: -1. It cannot be negative."],
  ["a container memory of 5 MiB", { containerOverrides: [{ name: "web", memory: 5 }] }, "Invalid 'memory' override for container web: 5 MiB. A container needs at least 6 MiB."],
  ["a memoryReservation of 0", { containerOverrides: [{ name: "web", memoryReservation: 0 }] }, "Invalid 'memoryReservation' override for container web: 0 MiB. A container needs at least 6 MiB."],
  ["memory below memoryReservation", { containerOverrides: [{ name: "web", memory: 64, memoryReservation: 128 }] }, "Invalid override for container web: 'memory' (64) must be greater than or equal to 'memoryReservation' (128)."],
  ["an unreadable task cpu", { cpu: "lots" }, "Invalid 'cpu' override for the task: 'lots'. Use 128 to 196608 CPU units, such as '1024', or vCPUs such as '1 vCPU'."],
  ["a task cpu of 193 vCPU", { cpu: "193 vCPU" }, "Invalid 'cpu' override for the task: '193 vCPU'. Use 128 to 196608 CPU units, such as '1024', or vCPUs such as '1 vCPU'."],
  ["a task memory of 1e15 MiB", { memory: "1000000000000000" }, "Invalid 'memory' override for the task: '1000000000000000'. Use 6 to 2147483647 MiB, such as '512', or GB such as '1GB'."],
  ["a task memory of 5 MiB", { memory: "5" }, "Invalid 'memory' override for the task: '5'. Use 6 to 2147483647 MiB, such as '512', or GB such as '1GB'."],
  ["ephemeral storage of -2 GiB", { ephemeralStorage: { sizeInGiB: -2 } }, "Invalid ephemeralStorage sizeInGiB -2. Valid values are 21 to 200."],
  ["ephemeral storage of 201 GiB", { ephemeralStorage: { sizeInGiB: 201 } }, "Invalid ephemeralStorage sizeInGiB 201. Valid values are 21 to 200."],
];

/** [what, overrides, what they become] */
const accepted: readonly [string, TaskOverride | undefined, TaskOverride][] = [
  ["no overrides", undefined, {}],
  ["overrides of exactly 8192 characters", overridesOfLength(overridesLimits.maxCharacters), overridesOfLength(overridesLimits.maxCharacters)],
  ["an empty container override (ECS allows one)", { containerOverrides: [{}] }, { containerOverrides: [{}] }],
  ["one override per container", { containerOverrides: [{ name: "web", cpu: 0 }, { name: "sidecar", memory: 6, memoryReservation: 6 }] }, { containerOverrides: [{ name: "web", cpu: 0 }, { name: "sidecar", memory: 6, memoryReservation: 6 }] }],
  ["task cpu in vCPUs and memory in GB, made canonical", { cpu: "0.5 vCPU", memory: "2GB" }, { cpu: "512", memory: "2048" }],
  ["the largest task cpu and memory", { cpu: "196608", memory: "2147483647" }, { cpu: "196608", memory: "2147483647" }],
  ["ephemeral storage of 21 GiB", { ephemeralStorage: { sizeInGiB: 21 } }, { ephemeralStorage: { sizeInGiB: 21 } }],
];

describe("RunTask and StartTask overrides", () => {
  for (const [what, overrides, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => normalizeOverrides(overrides, containers),
        (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterException" && e.message === message,
      );
    });
  }
  for (const [what, overrides, expected] of accepted) {
    it(`accepts ${what}`, () => {
      assert.deepEqual(normalizeOverrides(overrides, containers), expected);
    });
  }
  it("measures the JSON the override is sent as, formatting characters included", () => {
    assert.equal(JSON.stringify(overridesOfLength(8192)).length, 8192);
  });
});
