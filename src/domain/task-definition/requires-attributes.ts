/**
 * `requiresAttributes`: the container-instance attributes a task definition needs, derived from the
 * features it uses. Placement only picks instances that have all of them, so Berth's agent must
 * advertise the same names for the features it supports.
 *
 * ECS computes this server-side and does not publish the mapping. Each rule below says where it comes
 * from:
 * - (obs) seen in real DescribeTaskDefinition output, comparing definitions with and without the
 *   feature (public issue and blog pastes, 2021–2025);
 * - (docs) the developer guide's "requires version 1.xx of the Docker Remote API" notes;
 * - (agent) the capability the ECS agent advertises for the feature (amazon-ecs-agent,
 *   agent/app/agent_capability.go), where ECS evidently requires what the agent announces.
 * Known gaps: real output sometimes also lists docker-remote-api 1.17, 1.25, 1.28 or 1.29 for reasons
 * not pinned down (EFS volumes, awslogs non-blocking mode); those are not reproduced.
 *
 * ECS lists the attributes in no stable order; these are sorted by name so equal definitions compare equal.
 */
import { parseEcrUri } from "../image-refs.js";
import type { Attribute, ContainerDefinition } from "@aws-sdk/client-ecs";
import type { NormalizedTaskDefinition, TaskFacts } from "./types.js";

const legacy = (name: string): string => `com.amazonaws.ecs.capability.${name}`;
const modern = (name: string): string => `ecs.capability.${name}`;

/** What a container's environmentFiles need of its instance (the definition's, or a run's override). */
export const envFilesAttribute = modern("env-files.s3");
const dockerApi = (version: string): string => legacy(`docker-remote-api.${version}`);

const isSecretsManager = (valueFrom: string | undefined): boolean => (valueFrom ?? "").includes(":secretsmanager:");

/** The capability an agent advertises when it serves task role credentials. */
export const taskIamRoleAttribute = legacy("task-iam-role");

export function requiredAttributes(def: NormalizedTaskDefinition, facts: TaskFacts): Attribute[] {
  const names = new Set<string>();
  const need = (...list: string[]): void => list.forEach((n) => names.add(n));
  const hasExecutionRole = def.executionRoleArn !== undefined;

  if (def.taskRoleArn !== undefined) {
    need(taskIamRoleAttribute); // (obs)
    if (facts.networkMode === "host") need(legacy("task-iam-role-network-host")); // (agent)
  }
  if (facts.networkMode === "awsvpc") need(modern("task-eni"), dockerApi("1.18")); // (obs)
  if (def.pidMode !== undefined || def.ipcMode !== undefined) need(modern("pid-ipc-namespace-sharing")); // (agent)
  if (def.proxyConfiguration !== undefined) need(modern("aws-appmesh")); // (agent)
  if (def.enableFaultInjection === true) need(modern("fault-injection")); // (agent)
  for (const v of def.volumes) {
    const driver = v.dockerVolumeConfiguration?.driver;
    if (driver !== undefined && driver !== "local") need(modern(`docker-plugin.${driver}`)); // (agent)
    if (v.efsVolumeConfiguration) {
      need(modern("efs")); // (obs)
      if (v.efsVolumeConfiguration.authorizationConfig) need(modern("efsAuth")); // (agent)
    }
  }
  for (const c of def.containerDefinitions) containerAttributes(c, hasExecutionRole).forEach((n) => names.add(n));
  return [...names].sort().map((name) => ({ name }));
}

function containerAttributes(c: ContainerDefinition, hasExecutionRole: boolean): string[] {
  const out: string[] = [];
  if (c.memoryReservation !== undefined) out.push(dockerApi("1.21")); // (obs)
  if (c.healthCheck) out.push(modern("container-health-check"), dockerApi("1.24")); // (obs)
  if (c.privileged === true) out.push(legacy("privileged-container")); // (obs)
  if (c.repositoryCredentials) out.push(modern("private-registry-authentication.secretsmanager")); // (obs)
  if (c.image !== undefined && parseEcrUri(c.image) !== undefined) {
    out.push(legacy("ecr-auth")); // (obs)
    if (hasExecutionRole) out.push(modern("execution-role-ecr-pull")); // (obs)
  }
  for (const s of c.secrets ?? []) {
    out.push(modern(`secrets.${isSecretsManager(s.valueFrom) ? "asm" : "ssm"}.environment-variables`)); // ssm (obs), asm (agent)
  }
  const log = c.logConfiguration;
  if (log?.logDriver !== undefined) {
    out.push(legacy(`logging-driver.${log.logDriver}`)); // (obs)
    out.push(dockerApi(Object.keys(log.options ?? {}).length > 0 ? "1.19" : "1.18")); // 1.19 (obs), 1.18 (docs)
    if (log.logDriver === "awslogs" && hasExecutionRole) out.push(modern("execution-role-awslogs")); // (obs)
    for (const s of log.secretOptions ?? []) {
      out.push(modern(`secrets.${isSecretsManager(s.valueFrom) ? "asm" : "ssm"}.bootstrap.log-driver`)); // (agent)
    }
  }
  if ((c.dependsOn ?? []).length > 0) out.push(modern("container-ordering")); // (agent)
  if ((c.ulimits ?? []).length > 0 || Object.keys(c.dockerLabels ?? {}).length > 0) out.push(dockerApi("1.18")); // (docs)
  if (c.linuxParameters?.initProcessEnabled === true) out.push(dockerApi("1.25")); // (docs)
  if ((c.environmentFiles ?? []).length > 0) out.push(envFilesAttribute); // (agent)
  if ((c.portMappings ?? []).some((p) => p.containerPortRange !== undefined)) out.push(modern("network.container-port-range")); // (agent)
  if (c.restartPolicy?.enabled === true) out.push(modern("container-restart-policy")); // (agent)
  if (c.firelensConfiguration?.type !== undefined) out.push(modern(`firelens.${c.firelensConfiguration.type}`)); // (agent)
  for (const option of c.dockerSecurityOptions ?? []) {
    if (option.startsWith("label:")) out.push(legacy("selinux")); // (agent)
    if (option.startsWith("apparmor:")) out.push(legacy("apparmor")); // (agent)
  }
  return out;
}
