import type { Container, Task } from "@aws-sdk/client-ecs";
import type { Partition } from "../../domain/arn.js";
import type { TaskRecord } from "../../domain/task.js";
import { containerInterfaces, eniAttachment } from "./eni-attachment.js";

const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

/** The ECS shape of a task, from what was asked (spec) and what the agent last reported (known). */
export function toTask(p: Partition, t: TaskRecord): Task {
  const known = t.known;
  const eni = eniAttachment(t);
  const containers: Container[] = t.spec.containers.map((c) => {
    const name = c.name ?? "";
    const k = known?.containers.find((x) => x.name === name);
    return {
      containerArn: `arn:aws:ecs:${p.region}:${p.accountId}:container/${t.cluster}/${t.id}/${t.containerIds[name] ?? ""}`,
      taskArn: t.arn,
      name,
      image: c.image,
      imageDigest: k?.imageDigest,
      runtimeId: k?.runtimeId,
      lastStatus: k?.status ?? (t.lastStatus === "STOPPED" ? "STOPPED" : "PENDING"),
      exitCode: k?.exitCode,
      reason: k?.reason,
      networkBindings: (k?.networkBindings ?? []).map((b) => ({ ...b })),
      networkInterfaces: containerInterfaces(t),
      healthStatus: c.healthCheck ? (k?.healthStatus ?? "UNKNOWN") : undefined,
      cpu: String(c.cpu ?? 0),
      memory: c.memory === undefined ? undefined : String(c.memory),
      memoryReservation: c.memoryReservation === undefined ? undefined : String(c.memoryReservation),
    };
  });
  return {
    taskArn: t.arn,
    clusterArn: t.clusterArn,
    taskDefinitionArn: t.taskDefinitionArn,
    // A FARGATE task runs on managed capacity: ECS names no container instance for it.
    containerInstanceArn: t.launchType === "FARGATE" ? undefined : t.containerInstanceArn,
    overrides: { containerOverrides: t.overrides.containerOverrides ?? [], inferenceAcceleratorOverrides: [], ...t.overrides },
    lastStatus: t.lastStatus,
    desiredStatus: t.spec.desiredStatus,
    cpu: String(t.reservation.cpu),
    memory: String(t.reservation.memory),
    containers,
    startedBy: t.startedBy,
    group: t.group,
    launchType: t.launchType,
    platformVersion: t.platformVersion,
    platformFamily: t.launchType === "FARGATE" ? "Linux" : undefined,
    capacityProviderName: t.capacityProviderName,
    version: t.version,
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    healthStatus: containers.some((c) => c.healthStatus) ? taskHealth(t, containers) : "UNKNOWN",
    createdAt: date(t.createdAtMs),
    pullStartedAt: date(known?.pullStartedAtMs),
    pullStoppedAt: date(known?.pullStoppedAtMs),
    startedAt: date(known?.startedAtMs),
    stoppingAt: date(t.stoppingAtMs),
    executionStoppedAt: date(known?.executionStoppedAtMs),
    stoppedAt: date(t.stoppedAtMs),
    connectivity: t.lastStatus === "RUNNING" ? "CONNECTED" : undefined,
    attachments: eni === undefined ? [] : [eni],
    // Which isolation the agent gave the task (agent/cgroups/): runc namespaces, with or without a task cgroup.
    ...(known?.isolation !== undefined && { attributes: [{ name: "berth.isolation", value: known.isolation }] }),
    enableExecuteCommand: false,
    tags: [...t.tags],
  };
}

/** HEALTHY when every essential container with a health check is; UNHEALTHY when any is unhealthy. */
function taskHealth(t: TaskRecord, containers: readonly Container[]): "HEALTHY" | "UNHEALTHY" | "UNKNOWN" {
  const essential = containers.filter((c) => {
    const def = t.spec.containers.find((d) => d.name === c.name);
    return c.healthStatus !== undefined && (def?.essential ?? true);
  });
  if (essential.some((c) => c.healthStatus === "UNHEALTHY")) return "UNHEALTHY";
  return essential.length > 0 && essential.every((c) => c.healthStatus === "HEALTHY") ? "HEALTHY" : "UNKNOWN";
}
