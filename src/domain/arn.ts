/**
 * ECS (and ECR) resource ARNs, built and parsed in one place (long ARN format, as every account uses since 2021).
 */
export interface Partition {
  readonly region: string;
  readonly accountId: string;
}

const prefix = (p: Partition, service = "ecs"): string => `arn:aws:${service}:${p.region}:${p.accountId}:`;

export const clusterArn = (p: Partition, name: string): string => `${prefix(p)}cluster/${name}`;
export const taskDefinitionArn = (p: Partition, family: string, revision: number): string =>
  `${prefix(p)}task-definition/${family}:${revision}`;
/** Every revision of a family, as IAM names it in a refusal of RunTask without a revision. */
export const taskDefinitionFamilyArn = (p: Partition, family: string): string => `${prefix(p)}task-definition/${family}:*`;
export const taskArn = (p: Partition, cluster: string, id: string): string => `${prefix(p)}task/${cluster}/${id}`;
export const serviceArn = (p: Partition, cluster: string, name: string): string => `${prefix(p)}service/${cluster}/${name}`;
export const containerInstanceArn = (p: Partition, cluster: string, id: string): string =>
  `${prefix(p)}container-instance/${cluster}/${id}`;

/** The resource part of an ECS ARN (`cluster/x`, `task-definition/f:1`), or undefined when it is not an ECS ARN. */
export function ecsResource(arn: string): { type: string; path: string } | undefined {
  const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d*:([a-z-]+)\/(.+)$/.exec(arn);
  return m ? { type: m[1]!, path: m[2]! } : undefined;
}

/** The id that ends a task, container-instance or service ARN (`<type>/<cluster>/<id>`); the text itself when it is no ECS ARN. */
export const arnId = (arn: string): string => ecsResource(arn)?.path.split("/").at(-1) ?? arn;

/** The cluster a task, container-instance or service ARN names (`<type>/<cluster>/<id>`), or undefined. */
export function arnCluster(arn: string): string | undefined {
  const parts = ecsResource(arn)?.path.split("/") ?? [];
  return parts.length >= 2 ? parts.at(-2) : undefined;
}

/** The six fields of any ARN, `arn:<partition>:<service>:<region>:<account>:<resource>` (the resource may hold more colons). */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Any service's ARN split into its fields; undefined when the text is no ARN. */
export function parseArn(arn: string): ArnParts | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  return m ? { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]!, resource: m[5]! } : undefined;
}

/** A `cluster` parameter: a name or an ARN; ECS's default cluster when absent. */
export function clusterName(ref: string | undefined): string {
  if (ref === undefined || ref === "") return "default";
  const r = ecsResource(ref);
  return r?.type === "cluster" ? r.path : ref;
}

export type TaskDefinitionRef =
  | { readonly family: string; readonly revision?: undefined }
  | { readonly family: string; readonly revision: number };

/** A task-definition parameter: `family`, `family:revision` or an ARN. Undefined when it is none of these. */
export function parseTaskDefinitionRef(ref: string): TaskDefinitionRef | undefined {
  const r = ecsResource(ref);
  const text = r ? (r.type === "task-definition" ? r.path : undefined) : ref;
  if (text === undefined) return undefined;
  const m = /^([A-Za-z0-9_-]{1,255})(?::(\d{1,9}))?$/.exec(text);
  if (!m) return undefined;
  return m[2] === undefined ? { family: m[1]! } : { family: m[1]!, revision: Number(m[2]) };
}

/** The account's root user, as IAM names it. */
export const iamRootArn = (p: Partition): string => `arn:aws:iam::${p.accountId}:root`;
/** A session of an assumed role, as STS names its caller: `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
export const assumedRoleArn = (p: Partition, role: string, session: string): string => `arn:aws:sts::${p.accountId}:assumed-role/${role}/${session}`;

/** An ECR repository's ARN: `arn:aws:ecr:<region>:<account>:repository/<name>` (names may hold `/`). */
export const ecrRepositoryArn = (p: Partition, name: string): string => `${prefix(p, "ecr")}repository/${name}`;

/** The account and repository name of an ECR repository ARN, or undefined when it is not one. */
export function parseEcrRepositoryArn(arn: string): { accountId: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:ecr:[^:]*:(\d{12}):repository\/(.+)$/.exec(arn);
  return m ? { accountId: m[1]!, name: m[2]! } : undefined;
}

/** An IAM user, group, role or customer managed policy: `arn:aws:iam::<account>:<type>/<path without its leading slash><name>`. */
export const iamArn = (p: Partition, type: "user" | "group" | "role" | "policy", path: string, name: string): string =>
  `arn:aws:iam::${p.accountId}:${type}${path}${name}`;

/** The parts of an IAM user, role or policy ARN, or of an assumed-role session's, or undefined when it is none. */
export function parseIamArn(arn: string):
  | { readonly type: "user" | "group" | "role" | "policy"; readonly accountId: string; readonly path: string; readonly name: string }
  | { readonly type: "assumed-role"; readonly accountId: string; readonly role: string; readonly session: string }
  | undefined {
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/([^/]+)$/.exec(arn);
  if (session) return { type: "assumed-role", accountId: session[1]!, role: session[2]!, session: session[3]! };
  const m = /^arn:aws:iam::(\d{12}):(user|group|role|policy)(\/(?:[^/]+\/)*)([^/]+)$/.exec(arn);
  if (!m) return undefined;
  return { type: m[2] as "user" | "group" | "role" | "policy", accountId: m[1]!, path: m[3]!, name: m[4]! };
}

/** An EventBridge rule of the default event bus. */
export const eventRuleArn = (p: Partition, name: string): string => `arn:aws:events:${p.region}:${p.accountId}:rule/${name}`;

/**
 * A Secrets Manager secret: its name, then `-` and 6 random characters, so that a secret created
 * with the name of one deleted before is another resource (a policy naming the old ARN does not
 * reach it).
 */
export const secretArn = (p: Partition, name: string, suffix: string): string => `${secretArnPrefix(p)}${name}-${suffix}`;
/** What every ARN of a secret of this region and account starts with; a partial ARN is this and the name. */
export const secretArnPrefix = (p: Partition): string => `arn:aws:secretsmanager:${p.region}:${p.accountId}:secret:`;

/** A capacity provider: `arn:aws:ecs:<region>:<account>:capacity-provider/<name>` (Fargate's too). */
export const capacityProviderArn = (p: Partition, name: string): string => `${prefix(p)}capacity-provider/${name}`;

/** A task set of a service: `…:task-set/<cluster>/<service>/<id>` (the id is `ecs-svc/<19 digits>`). */
export const taskSetArn = (p: Partition, cluster: string, service: string, id: string): string => `${prefix(p)}task-set/${cluster}/${service}/${id}`;

/** A task-set parameter (an id or an ARN) as the task set's id. */
export function taskSetId(ref: string): string {
  const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d*:task-set\/[^/]+\/[^/]+\/(.+)$/.exec(ref);
  return m ? m[1]! : ref;
}

/** CloudWatch Logs: a log group (`arn:aws:logs:<region>:<account>:log-group:<name>`), and its streams. */
export const logGroupArn = (p: Partition, name: string): string => `arn:aws:logs:${p.region}:${p.accountId}:log-group:${name}`;
export const logStreamArn = (p: Partition, group: string, stream: string): string => `${logGroupArn(p, group)}:log-stream:${stream}`;
/** The log group's name from its ARN (with or without the trailing `:*`), or undefined when it is not one. */
export function parseLogGroupArn(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:logs:[^:]*:\d*:log-group:([^:]+)(?::\*)?$/.exec(arn);
  return m?.[1];
}
/** An SSM parameter: its name after `parameter/`, without the name's leading slash (`/app/db` is `parameter/app/db`). */
export const parameterArn = (p: Partition, name: string): string => `arn:aws:ssm:${p.region}:${p.accountId}:parameter/${name.startsWith("/") ? name.slice(1) : name}`;
/** What follows `parameter/` in an SSM parameter's ARN, with its region and account; undefined when it is not one. */
export function parseParameterArn(arn: string): { region: string; accountId: string; path: string } | undefined {
  const m = /^arn:aws[a-z-]*:ssm:([^:]*):(\d*):parameter\/(.+)$/.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, path: m[3]! } : undefined;
}
/** An EventBridge Scheduler schedule, in its group. */
export const scheduleArn = (p: Partition, group: string, name: string): string => `arn:aws:scheduler:${p.region}:${p.accountId}:schedule/${group}/${name}`;
export const scheduleGroupArn = (p: Partition, name: string): string => `arn:aws:scheduler:${p.region}:${p.accountId}:schedule-group/${name}`;
