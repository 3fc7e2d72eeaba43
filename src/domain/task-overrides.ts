/**
 * RunTask's and StartTask's `overrides`, checked as ECS checks them and returned in the form the
 * rest of Berth relies on (task cpu and memory as canonical integer strings, so that placement can
 * add them up).
 *
 * - The whole `overrides` object, as JSON, is at most 8192 characters (API reference, RunTask
 *   `overrides`: "A total of 8192 characters are allowed for overrides. This limit includes the JSON
 *   formatting characters of the override structure."). ECS refuses more with
 *   InvalidParameterException "Container Overrides length must be at most 8192" (seen verbatim in
 *   convox/rack#1906, Netflix/metaflow#1482, aws-samples/sample-autonomous-cloud-coding-agents#502).
 * - A container override that sets anything names its container (API reference, ContainerOverride
 *   `name`: "required if any override is specified"), a container of the task definition, once.
 * - Container cpu is not negative; memory and memoryReservation are at least 6 MiB (the Docker
 *   minimum the task definition rules use), and memory is not below memoryReservation.
 * - Task cpu and memory read like a task definition's: "1024" or "1 vCPU", "512" or "1GB"; so does
 *   ephemeral storage (21 to 200 GiB).
 *
 * ECS's wording is known only for the size limit; the other messages are ours, in its style.
 */
import type { ContainerOverride, TaskOverride } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import { messages } from "./task-definition/messages.js";
import { ephemeralStorageGiB } from "./task-definition/normalize.js";
import { minContainerMemory } from "./task-definition/resources.js";
import { ec2TaskCpu, maxTaskMemory, parseTaskCpu, parseTaskMemory } from "./task-definition/units.js";

export const overridesLimits = { maxCharacters: 8192 } as const;

/** The overrides as they will be stored; throws InvalidParameterException when ECS would refuse them. */
export function normalizeOverrides(overrides: TaskOverride | undefined, containerNames: readonly string[]): TaskOverride {
  if (overrides === undefined) return {};
  const length = JSON.stringify(overrides).length;
  if (length > overridesLimits.maxCharacters) {
    throw invalidParameter(
      `Container Overrides length must be at most ${overridesLimits.maxCharacters}. These overrides are ${length} characters of JSON; ` +
        "put large values in the task definition or in environmentFiles instead.",
    );
  }
  const seen = new Set<string>();
  for (const o of overrides.containerOverrides ?? []) {
    checkContainerOverride(o, containerNames, seen);
  }
  const storage = overrides.ephemeralStorage?.sizeInGiB;
  if (storage !== undefined && (storage < ephemeralStorageGiB.min || storage > ephemeralStorageGiB.max)) {
    throw invalidParameter(messages.ephemeralStorage(storage));
  }
  const out: TaskOverride = { ...overrides };
  if (overrides.cpu !== undefined) out.cpu = String(taskCpu(overrides.cpu));
  if (overrides.memory !== undefined) out.memory = String(taskMemory(overrides.memory));
  return out;
}

function checkContainerOverride(o: ContainerOverride, containerNames: readonly string[], seen: Set<string>): void {
  const { name, ...settings } = o;
  if (name === undefined) {
    if (Object.keys(settings).length === 0) return;
    throw invalidParameter("A container override that sets anything must name its container: add 'name' to each entry of containerOverrides.");
  }
  if (!containerNames.includes(name)) throw invalidParameter(`Override for container named ${name} is not a container in the TaskDefinition.`);
  if (seen.has(name)) throw invalidParameter(`Container ${name} has more than one entry in containerOverrides; merge them into one.`);
  seen.add(name);
  if (o.cpu !== undefined && o.cpu < 0) throw invalidParameter(`Invalid 'cpu' override for container ${name}: ${o.cpu}. It cannot be negative.`);
  for (const [field, value] of [["memory", o.memory], ["memoryReservation", o.memoryReservation]] as const) {
    if (value !== undefined && value < minContainerMemory) {
      throw invalidParameter(`Invalid '${field}' override for container ${name}: ${value} MiB. A container needs at least ${minContainerMemory} MiB.`);
    }
  }
  if (o.memory !== undefined && o.memoryReservation !== undefined && o.memory < o.memoryReservation) {
    throw invalidParameter(
      `Invalid override for container ${name}: 'memory' (${o.memory}) must be greater than or equal to 'memoryReservation' (${o.memoryReservation}).`,
    );
  }
}

function taskCpu(text: string): number {
  const units = parseTaskCpu(text);
  if (units === undefined || units < ec2TaskCpu.min || units > ec2TaskCpu.max) {
    throw invalidParameter(`Invalid 'cpu' override for the task: '${text}'. Use ${ec2TaskCpu.min} to ${ec2TaskCpu.max} CPU units, such as '1024', or vCPUs such as '1 vCPU'.`);
  }
  return units;
}

function taskMemory(text: string): number {
  const mib = parseTaskMemory(text);
  if (mib === undefined || mib < minContainerMemory || mib > maxTaskMemory) {
    throw invalidParameter(`Invalid 'memory' override for the task: '${text}'. Use ${minContainerMemory} to ${maxTaskMemory} MiB, such as '512', or GB such as '1GB'.`);
  }
  return mib;
}
