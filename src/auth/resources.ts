import { arnCluster, capacityProviderArn, clusterArn, clusterName, ecrRepositoryArn, eventRuleArn, logGroupArn, logStreamArn, parameterArn, parseTaskDefinitionRef, scheduleArn, scheduleGroupArn, taskDefinitionArn, taskDefinitionFamilyArn, type Partition } from "../domain/arn.js";

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * The resource an operation acts on, as IAM names it, for the authorization decision and the
 * refusal's message: a container instance for the agent's own calls, the task definition for
 * RunTask and StartTask, a cluster for calls that name one, a repository for ECR calls that name
 * one, and `*` for calls without one (CreateCluster, ListClusters, GetAuthorizationToken, …).
 */
export function resourceOf(signingName: string, operation: string, input: Readonly<Record<string, unknown>>, p: Partition): string {
  if (signingName === "ecs") {
    const instance = text(input.containerInstanceArn);
    if (operation === "RegisterContainerInstance" && instance) return instance;
    const definition = text(input.taskDefinition);
    if ((operation === "RunTask" || operation === "StartTask") && definition) {
      const ref = parseTaskDefinitionRef(definition);
      if (ref?.revision !== undefined) return taskDefinitionArn(p, ref.family, ref.revision);
      if (ref) return taskDefinitionFamilyArn(p, ref.family);
    }
    const serviceDeployment = text(input.serviceDeploymentArn);
    if (operation === "StopServiceDeployment" && serviceDeployment) return serviceDeployment;
    // Tagging acts on the resource it names; capacity provider calls on the provider (as IAM names them).
    const tagged = text(input.resourceArn);
    if (tagged && /^(Tag|Untag|ListTagsFor)Resource$/.test(operation)) return tagged;
    const provider = operation === "DeleteCapacityProvider" ? text(input.capacityProvider) : /^(Create|Update)CapacityProvider$/.test(operation) ? text(input.name) : undefined;
    if (provider) return provider.startsWith("arn:") ? provider : capacityProviderArn(p, provider);
    if ("cluster" in input || operation === "RegisterContainerInstance") return clusterArn(p, clusterName(text(input.cluster)));
    return "*";
  }
  if (signingName === "ecr") {
    const repository = text(input.repositoryName);
    if (repository) return ecrRepositoryArn(p, repository);
    return "*";
  }
  if (signingName === "logs") return logsResourceOf(operation, input, p);
  if (signingName === "ssm") return ssmResourceOf(operation, input, p);
  if (signingName === "events") {
    // Rules of the default bus, as EventBridge names them in its policies.
    const rule = ["DescribeRule", "EnableRule", "DisableRule", "DeleteRule", "PutRule"].includes(operation) ? text(input.Name) : text(input.Rule);
    return rule ? eventRuleArn(p, rule) : "*";
  }
  if (signingName === "scheduler") {
    const name = text(input.Name);
    if (!name) return "*";
    if (operation.endsWith("ScheduleGroup")) return scheduleGroupArn(p, name);
    return scheduleArn(p, text(input.GroupName) ?? "default", name);
  }
  const instance = text(input.containerInstanceArn) ?? text(input.taskArn);
  return instance ?? "*";
}

/** CloudWatch Logs' resources as IAM names them: the log stream for its events' calls, else the log group. */
function logsResourceOf(operation: string, input: Readonly<Record<string, unknown>>, p: Partition): string {
  const resourceArn = text(input.resourceArn);
  if (resourceArn) return resourceArn;
  const group = text(input.logGroupName) ?? text(input.logGroupIdentifier)?.replace(/^arn:[^:]*:logs:[^:]*:\d*:log-group:/, "").replace(/:\*$/, "");
  if (!group) return "*";
  const stream = text(input.logStreamName);
  if (stream && (operation === "PutLogEvents" || operation === "GetLogEvents")) return logStreamArn(p, group, stream);
  return logGroupArn(p, group);
}

/**
 * SSM's resources as IAM names them: the parameter a call names (without its `:version` or
 * `:label` selector), the path's ARN for GetParametersByPath, the parameter a tagging call names,
 * and `*` for DescribeParameters.
 */
function ssmResourceOf(operation: string, input: Readonly<Record<string, unknown>>, p: Partition): string {
  if (operation === "GetParametersByPath") {
    const path = text(input.Path);
    return path ? parameterArn(p, path) : "*";
  }
  if (/^(AddTagsTo|RemoveTagsFrom|ListTagsFor)Resource$/.test(operation) && input.ResourceType !== "Parameter") return "*";
  const name = text(input.Name) ?? text(input.ResourceId);
  return name ? parameterRefArn(name, p) : "*";
}

/** The ARN of the parameter a name, or an ARN, refers to, its selector left out. */
function parameterRefArn(ref: string, p: Partition): string {
  const arn = /^(arn:[^:]*:ssm:[^:]*:[^:]*:parameter\/[^:]*)/.exec(ref);
  return arn ? arn[1]! : parameterArn(p, ref.split(":")[0]!);
}

/**
 * The service's own condition keys for a request: `ecs:cluster` (the cluster's ARN) for ECS calls
 * that name a cluster or act on one, as ECS's policies condition on it.
 */
export function serviceConditionKeys(signingName: string, input: Readonly<Record<string, unknown>>, resource: string, p: Partition): Record<string, string> | undefined {
  if (signingName !== "ecs") return undefined;
  if ("cluster" in input) return { "ecs:cluster": clusterArn(p, clusterName(text(input.cluster))) };
  const cluster = arnCluster(resource);
  if (cluster !== undefined) return { "ecs:cluster": clusterArn(p, cluster) };
  return /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\//.test(resource) ? { "ecs:cluster": resource } : undefined;
}

/**
 * Every resource a call acts on: one for most calls; each named cluster for DescribeClusters, as
 * ECS authorizes it cluster by cluster (the default cluster when none is named); each named
 * parameter for SSM's GetParameters and DeleteParameters.
 */
export function resourcesOf(signingName: string, operation: string, input: Readonly<Record<string, unknown>>, p: Partition): string[] {
  if (signingName === "ecs" && operation === "DescribeClusters") {
    const named = Array.isArray(input.clusters) ? input.clusters.filter((c): c is string => typeof c === "string") : [];
    return (named.length > 0 ? named : ["default"]).map((c) => clusterArn(p, clusterName(c)));
  }
  // SSM authorizes a call on several parameters parameter by parameter: a refusal of any refuses the call.
  if (signingName === "ssm" && (operation === "GetParameters" || operation === "DeleteParameters")) {
    const names = Array.isArray(input.Names) ? input.Names.filter((n): n is string => typeof n === "string" && n !== "") : [];
    return names.length > 0 ? [...new Set(names.map((n) => parameterRefArn(n, p)))] : ["*"];
  }
  return [resourceOf(signingName, operation, input, p)];
}

/**
 * The roles a call hands to ECS, each of which needs `iam:PassRole` on it: a task definition's
 * task and execution roles when it is registered, and the roles a RunTask or StartTask override names.
 */
export function passedRolesOf(signingName: string, operation: string, input: Readonly<Record<string, unknown>>): string[] {
  // The role EventBridge or Scheduler assumes to start a target's tasks is passed to it, as RunTask's roles are to ECS.
  if (signingName === "events" && operation === "PutTargets" && Array.isArray(input.Targets)) {
    return [...new Set(input.Targets.map((t: unknown) => (typeof t === "object" && t !== null && "RoleArn" in t ? text(t.RoleArn) : undefined)).filter((r): r is string => r !== undefined))];
  }
  if (signingName === "scheduler" && (operation === "CreateSchedule" || operation === "UpdateSchedule")) {
    const target = input.Target;
    const role = typeof target === "object" && target !== null && "RoleArn" in target ? text(target.RoleArn) : undefined;
    return role ? [role] : [];
  }
  if (signingName !== "ecs") return [];
  const source = operation === "RegisterTaskDefinition" ? input : operation === "RunTask" || operation === "StartTask" ? input.overrides : undefined;
  if (typeof source !== "object" || source === null) return [];
  const roles = [(source as Record<string, unknown>).taskRoleArn, (source as Record<string, unknown>).executionRoleArn].map(text);
  return [...new Set(roles.filter((r): r is string => r !== undefined))];
}
