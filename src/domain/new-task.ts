import type { RuntimePlatform } from "@aws-sdk/client-ecs";
import { randomUUID } from "node:crypto";
import type { TaskSpec } from "../agent-protocol/messages.js";
import { clusterArn, taskArn, type Partition } from "./arn.js";
import { newTaskId } from "./ids.js";
import type { Launch } from "./launch.js";
import { applyOverrides, gpuCountOf, reservationOf, type TaskRecord } from "./task.js";
import type { PlacementRequest } from "../scheduler/types.js";
import { envFilesAttribute, taskIamRoleAttribute } from "./task-definition/requires-attributes.js";

/** What one task of a launch asks of the placement engine. */
export function placementRequest(l: Launch, count: number): PlacementRequest {
  const containers = containersOf(l);
  const need = reservationOf(l.taskDefinition.body, containers, l.overrides);
  return {
    count,
    group: l.group,
    cpu: need.cpu,
    memory: need.memory,
    gpuCount: gpuCountOf(containers),
    tcpPorts: need.tcpPorts,
    udpPorts: need.udpPorts,
    requiredAttributes: [
      ...(l.taskDefinition.body.requiresAttributes ?? []).map((a) => ({ name: a.name ?? "", value: a.value })),
      // A task role named only by the run's override needs the capability the definition's would have required.
      ...(l.overrides.taskRoleArn !== undefined && l.taskDefinition.body.taskRoleArn === undefined ? [{ name: taskIamRoleAttribute, value: undefined }] : []),
      // So do environment files named only by a container override.
      ...((l.overrides.containerOverrides ?? []).some((o) => (o.environmentFiles ?? []).length > 0) ? [{ name: envFilesAttribute, value: undefined }] : []),
      ...platformAttributes(l.taskDefinition.body.runtimePlatform),
    ],
    constraints: l.constraints,
    strategies: l.strategies,
  };
}

/**
 * A definition's runtimePlatform, as the instance attributes that say it (ECS runs an ARM64 or a
 * Windows task only where the architecture and OS match): a container of another architecture or
 * OS would not start, or not run as built.
 */
function platformAttributes(platform: RuntimePlatform | undefined): { name: string; value: string }[] {
  const arch = platform?.cpuArchitecture;
  const os = platform?.operatingSystemFamily;
  return [
    ...(arch === undefined ? [] : [{ name: "ecs.cpu-architecture", value: arch === "ARM64" ? "arm64" : "x86_64" }]),
    ...(os === undefined ? [] : [{ name: "ecs.os-type", value: os === "LINUX" ? "linux" : "windows" }]),
  ];
}

/** The launch's containers: its task definition's, with the run's overrides merged in. */
const containersOf = (l: Launch) => applyOverrides(l.taskDefinition.body.containerDefinitions ?? [], l.overrides);

/** A new task of the launch, placed on `instanceArn`: PROVISIONING, desired RUNNING, version 1. */
export function newTaskRecord(l: Launch, instanceArn: string, ctx: { readonly partition: Partition; readonly nowMs: number }): TaskRecord {
  const id = newTaskId(ctx.nowMs);
  const td = l.taskDefinition.body;
  const containers = containersOf(l);
  const spec: TaskSpec = {
    taskArn: taskArn(ctx.partition, l.cluster.name, id),
    family: l.taskDefinition.family,
    revision: l.taskDefinition.revision,
    desiredStatus: "RUNNING",
    networkMode: td.networkMode ?? "bridge",
    // The run's task-level overrides (normalised to units and MiB) are what the agent enforces, as placement reserved them.
    ...taskSize(l.overrides.cpu ?? td.cpu, l.overrides.memory ?? td.memory),
    ...(td.pidMode !== undefined && { pidMode: td.pidMode }),
    ...(td.ipcMode !== undefined && { ipcMode: td.ipcMode }),
    containers,
    ...(l.imageDigests && { imageDigests: { ...l.imageDigests } }),
    volumes: td.volumes ?? [],
    taskRoleArn: l.overrides.taskRoleArn ?? td.taskRoleArn,
    executionRoleArn: l.overrides.executionRoleArn ?? td.executionRoleArn,
    ...(l.awsvpc && {
      awsvpc: { attachmentId: randomUUID(), subnet: l.awsvpc.subnet, securityGroups: [...l.awsvpc.securityGroups], assignPublicIp: l.awsvpc.assignPublicIp },
    }),
  };
  return {
    arn: spec.taskArn,
    id,
    cluster: l.cluster.name,
    clusterArn: clusterArn(ctx.partition, l.cluster.name),
    containerInstanceArn: instanceArn,
    taskDefinitionArn: td.taskDefinitionArn ?? "",
    group: l.group,
    startedBy: l.startedBy,
    serviceName: l.serviceName,
    launchType: l.fargate ? "FARGATE" : "EC2",
    platformVersion: l.fargate?.platformVersion,
    capacityProviderName: l.capacityProviderName,
    overrides: l.overrides,
    tags: l.tags,
    spec,
    containerIds: Object.fromEntries(containers.map((c) => [c.name ?? "", randomUUID()])),
    reservation: reservationOf(td, containers, l.overrides),
    lastStatus: "PROVISIONING",
    createdAtMs: ctx.nowMs,
    version: 1,
  };
}

const taskSize = (cpu: string | undefined, memory: string | undefined): Pick<TaskSpec, "cpu" | "memory"> => ({
  cpu: cpu === undefined ? undefined : Number(cpu),
  memory: memory === undefined ? undefined : Number(memory),
});
