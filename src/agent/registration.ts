import { randomBytes } from "node:crypto";
import { cpus, totalmem } from "node:os";
import type { Attribute, RegisterContainerInstanceCommandInput } from "@aws-sdk/client-ecs";
import { hostIdAttribute, hostIpAttribute, zoneAttribute } from "../scheduler/types.js";
import type { AgentConfig } from "./config/agent-config.js";

export const agentVersion = "1.105.1";

/** What the agent keeps across restarts in its data dir. */
export interface AgentState {
  readonly instanceId: string;
  readonly containerInstanceArn?: string | undefined;
}

export const newInstanceId = (): string => `i-${randomBytes(9).toString("hex").slice(0, 17)}`;

/**
 * The RegisterContainerInstance request the ECS agent would send for this host: CPU = cores × 1024,
 * MEMORY = MiB less ECS_RESERVED_MEMORY, the reserved ports, the standard attributes and the
 * capabilities this agent has, plus ECS_INSTANCE_ATTRIBUTES.
 */
export function registrationRequest(
  config: Omit<AgentConfig, "credentials">,
  state: AgentState,
  docker: { readonly version: string; readonly apiVersion: string; readonly engineId?: string },
  /** What the agent found out at start (the task credentials endpoint's capability, or why it is missing). */
  discovered: readonly Attribute[] = [],
): RegisterContainerInstanceCommandInput {
  const memoryMiB = Math.floor(totalmem() / 2 ** 20) - config.reservedMemoryMiB;
  return {
    cluster: config.cluster,
    containerInstanceArn: state.containerInstanceArn,
    instanceIdentityDocument: JSON.stringify({ instanceId: state.instanceId, availabilityZone: config.availabilityZone }),
    totalResources: [
      { name: "CPU", type: "INTEGER", integerValue: cpus().length * 1024 },
      { name: "MEMORY", type: "INTEGER", integerValue: memoryMiB },
      { name: "PORTS", type: "STRINGSET", stringSetValue: config.reservedPorts.map(String) },
      { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: config.reservedPortsUdp.map(String) },
    ],
    versionInfo: { agentVersion, agentHash: "berth", dockerVersion: `DockerVersion: ${docker.version}` },
    attributes: [
      ...standardAttributes(config, docker.apiVersion),
      // Agents on one Docker engine share its host ports where their addresses overlap (scheduler/host-ports.ts).
      // The address is always sent, so that a restart on another address replaces the old one.
      ...(docker.engineId === undefined ? [] : [{ name: hostIdAttribute, value: docker.engineId }]),
      { name: hostIpAttribute, value: config.hostIp },
      ...discovered,
      ...Object.entries(config.instanceAttributes).map(([name, value]) => ({ name, value })),
    ],
    tags: Object.entries(config.containerInstanceTags).map(([key, value]) => ({ key, value })),
  };
}

function standardAttributes(config: Omit<AgentConfig, "credentials">, apiVersion: string): Attribute[] {
  const [major, minor] = apiVersion.split(".").map(Number);
  const remoteApis: string[] = [];
  for (let m = 17; major === 1 && minor !== undefined && m <= minor; m++) remoteApis.push(`1.${m}`);
  const names = [
    ...remoteApis.map((v) => `com.amazonaws.ecs.capability.docker-remote-api.${v}`),
    ...config.availableLoggingDrivers.filter((d) => d !== "awslogs").map((d) => `com.amazonaws.ecs.capability.logging-driver.${d}`),
    // The agent ships awslogs itself (agent/logs/), whatever ECS_AVAILABLE_LOGGING_DRIVERS lists.
    "com.amazonaws.ecs.capability.logging-driver.awslogs",
    "ecs.capability.logging-driver.awslogs",
    // …and ships a task's lines as its execution role when it has one (agent/logs/log-clients.ts).
    "ecs.capability.execution-role-awslogs",
    ...(config.disablePrivileged ? [] : ["com.amazonaws.ecs.capability.privileged-container"]),
    "ecs.capability.container-health-check",
    "ecs.capability.container-ordering",
    // Containers started again in place when they exit (restart-policy.ts).
    "ecs.capability.container-restart-policy",
    // pidMode and ipcMode, `task` through a namespace pause container (task-shared-namespaces.ts).
    "ecs.capability.pid-ipc-namespace-sharing",
    "ecs.capability.task-cpu-mem-limit",
    // Secrets from SSM and Secrets Manager, as variables and log driver options, and registry credentials (agent/secrets/).
    "ecs.capability.secrets.ssm.environment-variables",
    "ecs.capability.secrets.asm.environment-variables",
    "ecs.capability.secrets.ssm.bootstrap.log-driver",
    "ecs.capability.secrets.asm.bootstrap.log-driver",
    "ecs.capability.private-registry-authentication.secretsmanager",
    // Images in Amazon ECR of the task's account and region come from Berth's registry (ecr-images.ts), as the agent or the execution role.
    "com.amazonaws.ecs.capability.ecr-auth",
    "ecs.capability.execution-role-ecr-pull",
    // awsvpc: a namespace per task on a Docker network per subnet (docker/pause-container.ts).
    "ecs.capability.task-eni",
  ];
  return [
    { name: "ecs.os-type", value: "linux" },
    { name: "ecs.os-family", value: "LINUX" },
    { name: "ecs.cpu-architecture", value: process.arch === "arm64" ? "arm64" : "x86_64" },
    { name: "ecs.instance-type", value: "berth-host" },
    { name: zoneAttribute, value: config.availabilityZone },
    ...names.map((name) => ({ name })),
  ];
}
