import type { ContainerDefinition, Volume } from "@aws-sdk/client-ecs";
import { z } from "zod";

/**
 * The agent channel: one WebSocket per container instance, opened by the agent at
 * `/agent/v1/connect?containerInstance=<arn>`, its upgrade request signed with SigV4 (service `ecs`).
 *
 * Semantics follow the ECS agent's ACS: the server owns desired status, the agent owns known status.
 * - On every (re)connect the agent sends `hello` with the full state it knows, and the server replies
 *   with `manifest`: every task it wants on this instance. Both sides reconcile from these.
 * - Afterwards the server pushes `payload`s (tasks new or changed) with increasing `seq`; the agent
 *   acknowledges each with `ack`. Anything unacknowledged is covered by the next connect's manifest.
 * - The agent reports every known-status change with `taskState`, in order per task; the server
 *   answers `stateAck` with the same id once the report is durable, and the agent retries until then.
 *   A server whose manifest says `batchReports` takes `taskStates` instead: every report the agent
 *   made in one turn of its event loop, in one frame, answered by one `stateAcks` once all are
 *   durable (the server records the reports of every agent that arrived in one turn in one write).
 *   Likewise the server sends one `payload` per agent per turn, with every task changed in it.
 * - The server sends a WebSocket ping every `heartbeatMs` (given in the manifest), which the agent's
 *   WebSocket answers with a pong by itself; an agent that leaves a ping unanswered (nothing heard at
 *   all) for 1.5 s is gone (agent-hub/liveness.ts). The agent treats a server unheard for three
 *   periods, and at least 10 s, as gone. The `heartbeat` message remains for older peers: the agent
 *   answers one, the server counts one as hearing from the agent.
 * - The agent sends `stats` (its running tasks' CPU and memory use) every few seconds; the server
 *   counts them only for tasks placed on the session's own instance.
 *
 * Identity (src/auth/README.md): the handshake is signed by the instance's own agent credential (or
 * root, for simulated agents) and carries a signed `nonce` query parameter, new on every connect: the
 * server accepts each handshake once. A session may report only tasks placed on its own instance;
 * the server acknowledges a report of another instance's task without applying it, and says so in
 * an `error` message.
 */
export const protocolVersion = 1;

/** The handshake's query parameter that makes its signature single-use. */
export const handshakeNonceParameter = "nonce";

const object = <T extends object>() => z.custom<T>((v) => typeof v === "object" && v !== null && !Array.isArray(v));

/** A manifest digest, as registries name one image of a repository. */
export const manifestDigest = /^sha256:[0-9a-f]{64}$/;

export const reportedTaskStatus = z.enum(["PENDING", "RUNNING", "STOPPED"]);
export const healthStatus = z.enum(["HEALTHY", "UNHEALTHY", "UNKNOWN"]);

export const taskSpec = z.object({
  taskArn: z.string(),
  family: z.string(),
  revision: z.number().int(),
  desiredStatus: z.enum(["RUNNING", "STOPPED"]),
  networkMode: z.enum(["bridge", "host", "none", "awsvpc"]),
  /** Task-level cpu units and memory MiB, when the definition sets them. */
  cpu: z.number().optional(),
  memory: z.number().optional(),
  /** The task definition's process and IPC namespace modes (`task`: shared by its containers). */
  pidMode: z.enum(["host", "task"]).optional(),
  ipcMode: z.enum(["host", "task", "none"]).optional(),
  /** The task definition's containers with the run's overrides merged in. */
  containers: z.array(object<ContainerDefinition>()),
  /**
   * A service task's images as its service revision pinned them (ECS's version consistency), by
   * container name: the agent runs that manifest of the container's repository, whatever its tag
   * names now. Containers not listed run what their tag names.
   */
  imageDigests: z.record(z.string(), z.string().regex(manifestDigest)).optional(),
  volumes: z.array(object<Volume>()),
  /** The task's IAM role (the run's override, else the definition's): its containers get its credentials (agent/task-credentials/). */
  taskRoleArn: z.string().optional(),
  /** The task execution role (the run's override, else the definition's). */
  executionRoleArn: z.string().optional(),
  /** Why the server wants it stopped, when desiredStatus is STOPPED. */
  stopReason: z.string().optional(),
  /**
   * In a manifest: this agent reported the task's containers created before. An agent that then
   * finds none of them (removed while it was down) reports the task stopped instead of starting it again.
   */
  created: z.boolean().optional(),
  /**
   * For an awsvpc task: its elastic network interface as Berth models it. The agent gives the task a
   * network namespace of its own (a pause container) on the Docker network of `subnet`.
   */
  awsvpc: z
    .object({
      attachmentId: z.string(),
      subnet: z.string(),
      securityGroups: z.array(z.string()),
      assignPublicIp: z.enum(["ENABLED", "DISABLED"]),
    })
    .optional(),
});
export type TaskSpec = z.infer<typeof taskSpec>;

export const networkBinding = z.object({
  bindIP: z.string(),
  containerPort: z.number().int(),
  hostPort: z.number().int(),
  protocol: z.enum(["tcp", "udp"]),
});
export type NetworkBinding = z.infer<typeof networkBinding>;

export const containerReport = z.object({
  name: z.string(),
  status: reportedTaskStatus,
  runtimeId: z.string().optional(),
  imageDigest: z.string().optional(),
  exitCode: z.number().int().optional(),
  /** `<ErrorName>: <message>`, as the ECS agent writes it. */
  reason: z.string().optional(),
  networkBindings: z.array(networkBinding).optional(),
  healthStatus: healthStatus.optional(),
});
export type ContainerReport = z.infer<typeof containerReport>;

export const taskReport = z.object({
  taskArn: z.string(),
  status: reportedTaskStatus,
  containers: z.array(containerReport),
  /** Why it stopped, e.g. "Essential container in task exited". */
  reason: z.string().optional(),
  /** ECS stop code the agent determined, e.g. EssentialContainerExited or TaskFailedToStart. */
  stopCode: z.string().optional(),
  healthStatus: healthStatus.optional(),
  pullStartedAtMs: z.number().optional(),
  pullStoppedAtMs: z.number().optional(),
  startedAtMs: z.number().optional(),
  executionStoppedAtMs: z.number().optional(),
  /** An awsvpc task's interface once its namespace exists: the address and MAC Docker gave it. */
  eni: z.object({ privateIPv4Address: z.string(), macAddress: z.string() }).optional(),
  /** How the task is isolated on its host (agent/cgroups/): DescribeTasks' `berth.isolation` attribute. */
  isolation: z.string().max(200).optional(),
});
export type TaskReport = z.infer<typeof taskReport>;

/**
 * One task's resource use over the agent's last sampling interval (agent/stats/): CPU in ECS's
 * units (1,024 per core, averaged over the interval) and memory in MiB (Docker's usage less the
 * page cache, as `docker stats` shows it), summed over its running containers.
 */
export const taskUsage = z.object({
  taskArn: z.string().max(2048),
  cpuUnits: z.number().finite().min(0).max(1 << 24),
  memoryMiB: z.number().finite().min(0).max(1 << 30),
});
export type TaskUsage = z.infer<typeof taskUsage>;

/** At most this many reports in one `taskStates` message. */
export const maxReportsPerMessage = 1000;

/** At most this many tasks' usage in one `stats` message (an instance runs far fewer). */
export const maxStatsPerMessage = 1000;

export const agentMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), protocolVersion: z.number().int(), tasks: z.array(taskReport) }),
  z.object({ type: z.literal("ack"), seq: z.number().int() }),
  z.object({ type: z.literal("taskState"), id: z.number().int(), report: taskReport }),
  z.object({ type: z.literal("taskStates"), reports: z.array(z.object({ id: z.number().int(), report: taskReport })).min(1).max(maxReportsPerMessage) }),
  z.object({ type: z.literal("heartbeat") }),
  /** Resource use of the instance's running tasks, every few seconds; not acknowledged (a lost batch is a gap in the metrics). */
  z.object({ type: z.literal("stats"), tasks: z.array(taskUsage).max(maxStatsPerMessage) }),
]);
export type AgentMessage = z.infer<typeof agentMessage>;

const ipv4 = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/);
const groupId = z.string().regex(/^sg-[0-9a-z]{1,32}$/);

const groupRule = z.object({
  protocol: z.enum(["tcp", "udp", "icmp", "-1"]),
  fromPort: z.number().int().min(-1).max(65535),
  toPort: z.number().int().min(-1).max(65535),
  cidr: z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/).optional(),
  groupId: groupId.optional(),
});

/**
 * A server from before egress was enforced sends no `egress`: its groups are read as allowing
 * everything out, as every group did for its tasks then (and as a new group's default rule does).
 */
const allOutbound = (): z.infer<typeof groupRule>[] => [{ protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0" }];

/** Security groups and their members' addresses (domain/security-groups/firewall-view.ts), checked before any of it reaches iptables. */
export const firewallView = z.object({
  groups: z.array(z.object({ groupId, ingress: z.array(groupRule), egress: z.array(groupRule).default(allOutbound) })),
  members: z.array(z.object({ groupId, ips: z.array(ipv4) })),
});

export const serverMessage = z.discriminatedUnion("type", [
  /** The security groups' rules and members, whole, on connect and whenever they change (agent/firewall/). Not acknowledged: the next one replaces it. */
  z.object({ type: z.literal("firewall"), view: firewallView }),
  z.object({ type: z.literal("manifest"), seq: z.number().int(), tasks: z.array(taskSpec), heartbeatMs: z.number().int(), batchReports: z.boolean().optional() }),
  z.object({ type: z.literal("payload"), seq: z.number().int(), tasks: z.array(taskSpec) }),
  z.object({ type: z.literal("stateAck"), id: z.number().int() }),
  z.object({ type: z.literal("stateAcks"), ids: z.array(z.number().int()) }),
  z.object({ type: z.literal("heartbeat") }),
  z.object({ type: z.literal("error"), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

/** Parses one frame; throws with zod's description of what is wrong. */
export function parseFrame<T>(schema: z.ZodType<T>, text: string): T {
  return schema.parse(JSON.parse(text));
}
