/**
 * The less common container settings, each checked for values ECS (or Docker, at task start) would
 * refuse: ulimits, Linux parameters, environment files, restart policy, credential specs, resource
 * requirements and the FireLens router type. Limits come from the API reference.
 */
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { isOneOf, kernelCapabilities, listed, resourceTypes, ulimitNames } from "./enums.js";
import { messages } from "./messages.js";
import { excerpt } from "../../observability/excerpt.js";

const maxEnvironmentFiles = 10;
const restartPolicyLimits = { maxIgnoredExitCodes: 50, period: { min: 60, max: 1800 } } as const;
const firelensTypes: readonly string[] = ["fluentd", "fluentbit"];

export function checkContainerOptions(c: ContainerDefinition & { name: string }): void {
  checkUlimits(c);
  checkLinuxParameters(c);
  const files = c.environmentFiles ?? [];
  if (files.length > maxEnvironmentFiles) throw clientException(messages.tooManyEnvironmentFiles(c.name, maxEnvironmentFiles));
  for (const f of files) {
    if (f.type !== "s3") throw clientException(messages.invalidContainerEnum(c.name, "environmentFiles type", f.type, ["s3"]));
  }
  checkRestartPolicy(c);
  if ((c.credentialSpecs ?? []).length > 1) throw clientException(messages.tooManyCredentialSpecs(c.name));
  for (const r of c.resourceRequirements ?? []) {
    if (!isOneOf(resourceTypes, r.type)) throw clientException(messages.invalidContainerEnum(c.name, "resourceRequirements type", r.type, resourceTypes));
  }
  const router = c.firelensConfiguration;
  if (router && !firelensTypes.includes(router.type ?? "")) {
    throw clientException(messages.invalidContainerEnum(c.name, "firelensConfiguration type", router.type, firelensTypes));
  }
}

function checkUlimits(c: ContainerDefinition & { name: string }): void {
  for (const u of c.ulimits ?? []) {
    const name = String(u.name);
    if (!isOneOf(ulimitNames, u.name)) throw clientException(messages.invalidUlimit(c.name, name, `Valid names: ${listed(ulimitNames)}.`));
    if (u.softLimit !== undefined && u.hardLimit !== undefined && u.softLimit > u.hardLimit) {
      throw clientException(messages.invalidUlimit(c.name, name, `softLimit (${u.softLimit}) cannot be greater than hardLimit (${u.hardLimit}).`));
    }
  }
}

function checkLinuxParameters(c: ContainerDefinition & { name: string }): void {
  const lp = c.linuxParameters;
  if (!lp) return;
  const bad = (detail: string): Error => clientException(messages.invalidLinuxParameter(c.name, detail));
  for (const cap of [...(lp.capabilities?.add ?? []), ...(lp.capabilities?.drop ?? [])]) {
    if (!isOneOf(kernelCapabilities, cap)) throw bad(`Unknown capability '${excerpt(cap)}'.`);
  }
  for (const d of lp.devices ?? []) {
    if (!d.hostPath) throw bad("Every device needs a 'hostPath'.");
    for (const p of d.permissions ?? []) {
      if (!["read", "write", "mknod"].includes(p)) throw bad(`Unknown device permission '${excerpt(p)}'; use read, write or mknod.`);
    }
  }
  for (const t of lp.tmpfs ?? []) {
    if (!t.containerPath) throw bad("Every tmpfs mount needs a 'containerPath'.");
    if (t.size === undefined || t.size <= 0) throw bad(`tmpfs mount '${excerpt(t.containerPath, 255)}' needs a 'size' above 0 MiB.`);
  }
  if (lp.sharedMemorySize !== undefined && lp.sharedMemorySize <= 0) throw bad("'sharedMemorySize' must be above 0 MiB.");
  if (lp.maxSwap !== undefined && lp.maxSwap < 0) throw bad("'maxSwap' cannot be negative.");
  if (lp.swappiness !== undefined && (lp.swappiness < 0 || lp.swappiness > 100)) throw bad("'swappiness' must be from 0 to 100.");
}

function checkRestartPolicy(c: ContainerDefinition & { name: string }): void {
  const rp = c.restartPolicy;
  if (!rp) return;
  if ((rp.ignoredExitCodes ?? []).length > restartPolicyLimits.maxIgnoredExitCodes) {
    throw clientException(messages.invalidRestartPolicy(c.name, `At most ${restartPolicyLimits.maxIgnoredExitCodes} ignoredExitCodes are allowed.`));
  }
  const period = rp.restartAttemptPeriod;
  const { min, max } = restartPolicyLimits.period;
  if (period !== undefined && (period < min || period > max)) {
    throw clientException(messages.invalidRestartPolicy(c.name, `'restartAttemptPeriod' must be from ${min} to ${max} seconds (got ${period}).`));
  }
}
