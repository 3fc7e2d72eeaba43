/**
 * The variables the Berth agent reads: the ECS container agent's names, syntaxes and defaults
 * (Linux), plus a few of Berth's own (`BERTH_…`). One row per variable; the CLI's flag spelling is
 * here too, so that flags, environment and file can never disagree on a name.
 */
import { imagePullBehaviors, type ImagePullBehavior } from "../docker/pull-policy.js";
import { formatGoDuration } from "./go-duration.js";
import {
  bool,
  duration,
  ipv4Address,
  jsonObjectText,
  nonNegativeInteger,
  oneOf,
  portList,
  portRange,
  stringList,
  stringMap,
  text,
  urlList,
  type Parser,
  type PortRange,
} from "./value-parsers.js";

/** What the host is: a container instance of a cluster, or managed capacity for FARGATE tasks (domain/fargate/). */
export const agentCapacities = ["ec2", "fargate"] as const;
export type AgentCapacity = (typeof agentCapacities)[number];

export const logLevels = ["crit", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof logLevels)[number];
export const engineAuthTypes = ["docker", "dockercfg"] as const;

export interface Variable<T> {
  readonly parse: Parser<T>;
  /** The value when no layer sets the variable; undefined leaves it unset (or to a host fact). */
  readonly default: T | undefined;
  /** Long option of `berth agent`, without the dashes. */
  readonly flag?: string;
  /** Never printed, never echoed in an error. */
  readonly secret?: boolean;
  /** How `describeAgentConfig` prints the value (JSON by default). */
  readonly format?: (value: T) => string;
  readonly help: string;
}

const variable = <T>(v: Variable<T>): Variable<T> => v;
const asDuration = { parse: duration, format: formatGoDuration } as const;

export const agentVariables = {
  ECS_CLUSTER: variable({ parse: text, default: "default", flag: "cluster", format: String, help: "cluster to register in" }),
  ECS_BACKEND_HOST: variable<readonly string[]>({
    parse: urlList,
    default: undefined,
    flag: "endpoint",
    format: (urls) => urls.join(","),
    help: "URL of the Berth server, or of its replicas separated by commas (http://a:4400,http://b:4400; one scheme for all): the agent uses the first and moves to the next when one cannot be reached",
  }),
  AWS_DEFAULT_REGION: variable<string>({ parse: text, default: undefined, flag: "region", format: String, help: "region to sign requests for" }),
  AWS_ACCESS_KEY_ID: variable<string>({ parse: text, default: undefined, format: String, help: "access key the agent signs with" }),
  AWS_SECRET_ACCESS_KEY: variable<string>({ parse: text, default: undefined, secret: true, help: "secret of that access key" }),
  AWS_SESSION_TOKEN: variable<string>({ parse: text, default: undefined, secret: true, help: "session token, for temporary keys" }),
  BERTH_AVAILABILITY_ZONE: variable<string>({
    parse: text,
    default: undefined,
    flag: "availability-zone",
    format: String,
    help: "availability zone reported for this instance (ecs.availability-zone)",
  }),
  BERTH_CA_BUNDLE: variable<string>({
    parse: text,
    default: undefined,
    flag: "ca-bundle",
    format: String,
    help: "PEM file of the certificate authorities to trust for an https:// endpoint (the server's --tls-cert)",
  }),
  BERTH_HOST_IP: variable({
    parse: ipv4Address,
    default: "0.0.0.0",
    flag: "host-ip",
    format: String,
    help: "address the tasks' host ports are published on (Docker's HostIp); agents on one Docker engine bound to different addresses (127.0.0.2, 127.0.0.3) can each give out the same fixed host port",
  }),
  BERTH_CAPACITY: variable<AgentCapacity>({
    parse: oneOf(agentCapacities),
    default: "ec2",
    flag: "capacity",
    format: String,
    help: "ec2: register as a container instance of ECS_CLUSTER; fargate: join the managed pool that runs every cluster's FARGATE tasks (listed in no cluster)",
  }),
  BERTH_PAUSE_IMAGE: variable({
    parse: text,
    default: "amazon/amazon-ecs-pause:0.1.0",
    flag: "pause-image",
    format: String,
    help: "image of the containers that hold an awsvpc task's network namespace and a task's shared pid and ipc namespaces (ECS's pause containers); pulled when absent",
  }),
  BERTH_PAUSE_COMMAND: variable<string>({
    parse: text,
    default: undefined,
    flag: "pause-command",
    format: String,
    help: "command (words split on spaces) the pause container runs instead of its image's own, e.g. `sleep 2147483647` with a busybox image",
  }),
  BERTH_PAUSE_POOL_SIZE: variable({
    parse: nonNegativeInteger,
    default: 1,
    flag: "pause-pool-size",
    help: "awsvpc: pause containers kept started ahead for each recently used subnet (at most 4 subnets), so that a task's namespace is ready when it arrives; 0: none",
  }),
  ECS_RESERVED_MEMORY: variable({ parse: nonNegativeInteger, default: 0, flag: "reserved-memory", help: "MiB kept back from tasks" }),
  ECS_RESERVED_PORTS: variable<readonly number[]>({
    parse: portList,
    default: [22, 2375, 2376, 51678, 51679],
    help: "TCP host ports never given to tasks",
  }),
  ECS_RESERVED_PORTS_UDP: variable<readonly number[]>({ parse: portList, default: [], help: "UDP host ports never given to tasks" }),
  ECS_DYNAMIC_HOST_PORT_RANGE: variable<PortRange>({
    parse: portRange,
    default: undefined, // the host's ephemeral range, else 49153-65535: see agent-config.ts
    format: (r) => `${r.first}-${r.last}`,
    help: "range dynamic host ports are chosen from",
  }),
  ECS_INSTANCE_ATTRIBUTES: variable<Readonly<Record<string, string>>>({ parse: stringMap, default: {}, help: "custom attributes, first registration only" }),
  ECS_CONTAINER_INSTANCE_TAGS: variable<Readonly<Record<string, string>>>({ parse: stringMap, default: {}, help: "tags of the container instance" }),
  ECS_CONTAINER_STOP_TIMEOUT: variable({ ...asDuration, default: 30_000, help: "SIGTERM-to-SIGKILL grace when a container sets no stopTimeout" }),
  ECS_CONTAINER_START_TIMEOUT: variable({ ...asDuration, default: 3 * 60_000, help: "limit on Docker's start call" }),
  ECS_CONTAINER_CREATE_TIMEOUT: variable({ ...asDuration, default: 4 * 60_000, help: "limit on Docker's create call" }),
  ECS_IMAGE_PULL_TIMEOUT: variable({ ...asDuration, default: 2 * 3_600_000, help: "limit on one image pull" }),
  ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: variable({ ...asDuration, default: 3 * 3_600_000, help: "how long stopped tasks' containers are kept" }),
  ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION_JITTER: variable({ ...asDuration, default: 0, help: "random extra wait before cleanup" }),
  ECS_POLLING_METRICS_WAIT_DURATION: variable({ ...asDuration, default: 10_000, help: "how often running containers' CPU and memory are sampled and reported" }),
  ECS_IMAGE_PULL_BEHAVIOR: variable<ImagePullBehavior>({
    parse: oneOf(imagePullBehaviors),
    default: "default",
    flag: "image-pull-behavior",
    format: String,
    help: "default | always | once | prefer-cached",
  }),
  ECS_DATADIR: variable({ parse: text, default: "/var/lib/ecs/data", flag: "data-dir", format: String, help: "where the agent keeps its state" }),
  ECS_LOGLEVEL: variable<LogLevel>({ parse: oneOf(logLevels), default: "info", flag: "log-level", format: String, help: "crit | error | warn | info | debug" }),
  ECS_AVAILABLE_LOGGING_DRIVERS: variable<readonly string[]>({
    parse: stringList,
    default: ["json-file", "none"],
    help: "log drivers tasks may use on this host",
  }),
  BERTH_INTROSPECTION_PORT: variable({ parse: nonNegativeInteger, default: 51678, flag: "introspection-port", help: "port of the introspection API on 127.0.0.1" }),
  BERTH_METADATA_PORT: variable({ parse: nonNegativeInteger, default: 51679, flag: "metadata-port", help: "port of the task metadata endpoint" }),
  ECS_DISABLE_PRIVILEGED: variable({ parse: bool, default: false, help: "refuse privileged containers" }),
  ECS_ENABLE_TASK_IAM_ROLE: variable({
    parse: bool,
    default: false,
    flag: "enable-task-iam-role",
    help: "serve task roles' credentials at 169.254.170.2 (adds that address to lo; needs root)",
  }),
  ECS_ENABLE_TASK_CPU_MEM_LIMIT: variable({ parse: bool, default: true, help: "enforce task-level cpu and memory" }),
  ECS_SHARED_VOLUME_MATCH_FULL_CONFIG: variable({ parse: bool, default: false, help: "a shared Docker volume found must carry the labels and driver options its task asks for" }),
  ECS_ENGINE_AUTH_TYPE: variable<(typeof engineAuthTypes)[number]>({
    parse: oneOf(engineAuthTypes),
    default: undefined,
    format: String,
    help: "format of ECS_ENGINE_AUTH_DATA: docker | dockercfg",
  }),
  ECS_ENGINE_AUTH_DATA: variable<string>({ parse: jsonObjectText, default: undefined, secret: true, help: "private registry credentials" }),
};

export type VariableName = keyof typeof agentVariables;
export type VariableValue<K extends VariableName> = (typeof agentVariables)[K] extends Variable<infer T> ? T : never;

export function isVariableName(name: string): name is VariableName {
  return Object.hasOwn(agentVariables, name);
}

/** Every variable, in table order. */
export const variableNames: readonly VariableName[] = Object.keys(agentVariables).filter(isVariableName);
