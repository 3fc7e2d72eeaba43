/**
 * What a task needs an attribute for, and what to do, for the attributes a Berth agent advertises
 * only when configured so, with another value, or never: a placement failure then names the
 * feature, not only the attribute ECS derived from it.
 */
const hints: ReadonlyArray<readonly [match: (name: string) => boolean, hint: string]> = [
  [(n) => n === "ecs.cpu-architecture" || n === "ecs.os-type", "the task definition's runtimePlatform: an instance of that CPU architecture and operating system"],
  [(n) => n === "com.amazonaws.ecs.capability.task-iam-role", "a task role: run the instance's agent with ECS_ENABLE_TASK_IAM_ROLE=true"],
  [(n) => n === "com.amazonaws.ecs.capability.task-iam-role-network-host", "a task role in host network mode, which Berth's agent does not serve: use bridge or awsvpc"],
  [(n) => n === "com.amazonaws.ecs.capability.privileged-container", "a privileged container, which the instance's ECS_DISABLE_PRIVILEGED forbids"],
  [(n) => n === "ecs.capability.efs" || n === "ecs.capability.efsAuth", "an EFS volume, which Berth does not provide: use a host or Docker volume"],
  [(n) => n === "ecs.capability.env-files.s3", "environmentFiles in Amazon S3, which Berth does not have: use environment or secrets"],
  [(n) => n === "ecs.capability.aws-appmesh", "App Mesh's proxyConfiguration, which Berth does not run"],
  [(n) => n === "ecs.capability.fault-injection", "fault injection, which Berth does not run"],
  [(n) => n === "ecs.capability.network.container-port-range", "a containerPortRange, which Berth's agent does not map: list the ports"],
  [(n) => n.startsWith("ecs.capability.firelens."), "FireLens log routing, which Berth's agent does not run: use awslogs"],
  [(n) => n.startsWith("ecs.capability.docker-plugin."), "a Docker volume plugin: an instance that has it installed says so with ECS_INSTANCE_ATTRIBUTES"],
  [
    (n) => n === "com.amazonaws.ecs.capability.selinux" || n === "com.amazonaws.ecs.capability.apparmor",
    "a dockerSecurityOptions label: or apparmor: option: an instance whose Docker applies it says so with ECS_INSTANCE_ATTRIBUTES",
  ],
];

/** The attribute (`name=value` when a value is required), followed by what needs it and what to do when Berth knows. */
export function withHint(name: string, value?: string): string {
  const hint = hints.find(([match]) => match(name))?.[1];
  const shown = value === undefined ? name : `${name}=${value}`;
  return hint === undefined ? shown : `${shown} (${hint})`;
}
