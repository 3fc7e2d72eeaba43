import type { IncomingMessage } from "node:http";
import { requestFacts } from "../auth/request-context.js";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import {
  agentMessage,
  handshakeNonceParameter,
  parseFrame,
  type AgentMessage,
  protocolVersion,
  type ServerMessage,
  type TaskReport,
  type TaskSpec,
  type TaskUsage,
} from "../agent-protocol/messages.js";
import type { Authenticator } from "../auth/authenticator.js";
import { authorize } from "../auth/authorize.js";
import type { Principal } from "../auth/principal.js";
import { ReplayGuard } from "../auth/replay-guard.js";
import { maxSkewMs } from "../auth/sigv4.js";
import type { Partition } from "../domain/arn.js";
import { agentSpec } from "../domain/load-balancing/deactivation.js";
import { ecsErrors } from "../api/ecs/errors.js";
import { AwsError, statusOf } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";
import type { RefusalLog } from "../observability/refusal-log.js";
import { allContainerInstances } from "../state/scan.js";
import type { Store, WriteTx } from "../state/store.js";
import { defaultLiveness, Liveness } from "./liveness.js";
import { ReportBatcher } from "./report-batcher.js";

export const agentPath = "/agent/v1/connect";

/** Whether this replica may record the session's end: it held it (or replicas are not told apart). */
const heldBy = (holder: string | undefined, replica: string | undefined): boolean => holder === undefined || replica === undefined || holder === replica;

export interface AgentHubOptions {
  readonly store: Store;
  /** Resolves the handshake's signature to a principal. */
  readonly authenticator: Authenticator;
  readonly partition: Partition;
  readonly logger: Logger;
  readonly now: () => number;
  /** How often the hub pings each agent (default 1 s); see liveness.ts. */
  readonly heartbeatMs?: number;
  /** How long a ping may wait, with nothing heard, before the agent is gone (default 1.5 s). */
  readonly replyWithinMs?: number;
  /** Where refused connections are counted (one summary line per interval, each at debug). */
  readonly refusals: RefusalLog;
  /** Where agents' `stats` go (metrics/collector.ts); answers how many were of tasks not on the instance. */
  readonly onStats?: (instanceArn: string, tasks: readonly TaskUsage[]) => number;
  /**
   * This replica, when several share a PostgreSQL store: an instance records which replica holds its
   * agent, and a replica records a disconnect only of an agent it held.
   */
  readonly replica?: string | undefined;
  /** Sent to an agent right after its manifest (the security groups' view: agent-hub/firewall-publisher.ts). */
  readonly greeting?: () => ServerMessage;
}

/**
 * What the hub uses of an agent's WebSocket (ws's `WebSocket` is one): tests attach a fake.
 * `close` and `terminate` end in a `close` event, as ws emits it, after the call returns.
 */
export interface AgentSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(data: string): void;
  /** A WebSocket ping: the peer's WebSocket answers with a pong by itself. */
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
  on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: "close", listener: () => void): unknown;
  on(event: "pong", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
}

/** RFC 6455 close codes the hub sends itself (ws sends 1002, 1007 and 1009 for frame errors). */
const closeCodes = { invalidPayload: 1007, unsupportedData: 1003, policyViolation: 1008 } as const;


const validNonce = /^[A-Za-z0-9_-]{16,128}$/;

/** A refusal of the upgrade: an AWS error, or plain HTTP when the server cannot take more handshakes. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `arn:aws:ecs:r:a:task/<cluster>/<id>` → cluster. */

interface Session {
  readonly instanceArn: string;
  /** Who opened it: root (any instance: simulated agents) or the instance's own agent. */
  readonly principal: Principal;
  readonly socket: AgentSocket;
  seq: number;
  readonly liveness: Liveness;
  /** Set when the hub ends the session for silence: when the agent was last heard from. */
  silentSinceMs?: number;
  /** Desired status last sent per task, so that only real changes are pushed. */
  readonly sent: Map<string, TaskSpec["desiredStatus"]>;
  /** Set once the manifest is sent: before it, changes wait for the manifest, which carries them all. */
  manifestSent: boolean;
  /** Specs changed in this turn of the event loop, sent in one payload at its end. */
  readonly pending: Map<string, TaskSpec>;
}

/**
 * The server's end of the agent channel (see agent-protocol/messages.ts): authenticates agents,
 * keeps one session per container instance, pushes desired state, records reported state, and
 * marks instances disconnected when they stop answering pings (liveness.ts).
 *
 * Identity: a handshake is signed by root or by the instance's own agent (ecs:Poll on it, see
 * auth/authorize.ts), carries a fresh nonce and is good once (a replay is refused before any
 * session is touched). A session accepts reports only of tasks placed on its own instance.
 */
export class AgentHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 << 20 });
  private readonly sessions = new Map<string, Session>();
  private readonly heartbeatMs: number;
  private readonly replyWithinMs: number;
  private readonly timer: NodeJS.Timeout;
  private judging = false;
  private readonly reports: ReportBatcher;
  /** Sessions with specs pending, and whether their payloads are scheduled. */
  private readonly pushing = new Set<Session>();
  private pushScheduled = false;
  private readonly unsubscribe: () => void;
  private readonly handshakes = new ReplayGuard();
  private closing = false;
  /** Reports refused because their task is not on the reporting session's instance. */
  private refused = 0;

  constructor(private readonly opts: AgentHubOptions) {
    this.reports = new ReportBatcher(opts.store, opts.now);
    this.heartbeatMs = opts.heartbeatMs ?? defaultLiveness.heartbeatMs;
    this.replyWithinMs = opts.replyWithinMs ?? defaultLiveness.replyWithinMs;
    // Checked four times a period, so that silence is noticed within a quarter period of its limit.
    this.timer = setInterval(() => this.tick(), this.heartbeatMs / 4);
    this.unsubscribe = opts.store.changes.subscribe((c) => {
      if (c.kind === "task") this.push(c.record.containerInstanceArn, agentSpec(c.record));
      // Deregistration revokes the agent's credential; its open session ends with it.
      if (c.kind === "instance" && c.record.status === "INACTIVE") this.sessions.get(c.record.arn)?.socket.close(closeCodes.policyViolation, "container instance deregistered");
    });
  }

  /**
   * After a restart no agent is connected yet: every instance waits for its agent to come back,
   * away since `sinceMs` (the server's start: see lost-instances/lost-tasks.ts, the reattach grace). One
   * write for all of them: a write (and its fsync) each held start-up for seconds at 5,000 instances.
   */
  async markAllDisconnected(sinceMs: number): Promise<void> {
    const connected: string[] = [];
    for await (const i of allContainerInstances(this.opts.store)) if (i.agentConnected) connected.push(i.arn);
    await this.opts.store.write(async (tx) => {
      for (const arn of connected) await this.saveConnected(tx, arn, false, sinceMs);
    });
  }

  /** Handles an HTTP upgrade on the agent path; anything else is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws takes the socket over, a reset or a write to a gone peer must not reach the process.
    socket.on("error", (err) => this.opts.logger.debug({ err: err.message }, "agent upgrade socket error"));
    this.authenticate(req).then(
      ({ instanceArn, principal }) => this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(instanceArn, principal, ws)),
      (err: unknown) => {
        // The agent channel is ECS's (ecs:Poll): its refusals have ECS's statuses.
        const status = err instanceof AwsError ? (statusOf(err.code, ecsErrors) ?? 500) : err instanceof Refusal ? err.status : 500;
        const code = err instanceof AwsError ? `${err.code}: ` : "";
        const message = err instanceof Error ? excerpt(err.message, 500) : "error";
        if (err instanceof AwsError || err instanceof Refusal) this.opts.refusals.count(err instanceof AwsError ? err.code : "AgentHandshakeRefused", { err: excerpt(message, 200) }, "agent connection refused");
        else this.opts.logger.error({ err }, "agent connection failed");
        socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${code}${message}\n`);
      },
    );
  }

  /**
   * Signature, then single use, then authorization, then registration: everything that refuses a
   * handshake happens here, before `attach` replaces any session.
   */
  private async authenticate(req: IncomingMessage): Promise<{ instanceArn: string; principal: Principal }> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const nowMs = this.opts.now();
    const verified = await this.opts.authenticator.authenticate(
      { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: new Uint8Array() },
      "ecs",
      nowMs,
    );
    if (!validNonce.test(url.searchParams.get(handshakeNonceParameter) ?? "")) {
      throw new AwsError("IncompleteSignatureException", `The agent channel's handshake must sign a '${handshakeNonceParameter}' query parameter: 16 to 128 random URL-safe characters, new for every connect.`);
    }
    switch (this.handshakes.claim(verified.signature, verified.signedAtMs + maxSkewMs, nowMs)) {
      case "replayed":
        throw new AwsError("InvalidSignatureException", "This handshake signature was already used: sign every connect anew, with a fresh nonce.");
      case "full":
        throw new Refusal(503, "Too many agent handshakes in the last 15 minutes; retry later.");
      case "fresh":
        break;
    }
    const { principal } = verified.key;
    const instanceArn = url.searchParams.get("containerInstance") ?? "";
    authorize(principal, { action: "ecs:Poll", resource: instanceArn }, requestFacts({ remoteAddress: req.socket.remoteAddress }, this.opts.partition.region, nowMs), this.opts.partition.accountId);
    const instance = await this.opts.store.read((tx) => tx.containerInstances.get(instanceArn));
    if (!instance || instance.status === "INACTIVE") {
      throw new AwsError("ClientException", `Container instance ${instanceArn} is not registered: register it before connecting.`);
    }
    return { instanceArn, principal };
  }

  /**
   * Opens the session of an agent already authenticated and authorized for `instanceArn` (the
   * last step of `handleUpgrade`), replacing any session the instance had. Tests call it with a
   * fake socket.
   */
  attach(instanceArn: string, principal: Principal, socket: AgentSocket): void {
    this.sessions.get(instanceArn)?.socket.terminate();
    const liveness = new Liveness({ heartbeatMs: this.heartbeatMs, replyWithinMs: this.replyWithinMs }, this.opts.now());
    const session: Session = { instanceArn, principal, socket, seq: 0, liveness, sent: new Map(), manifestSent: false, pending: new Map() };
    this.sessions.set(instanceArn, session);
    const log = this.opts.logger.child({ containerInstance: instanceArn, principal: principal.arn });
    log.info("agent connected");
    // ws reports protocol violations (bad UTF-8, oversized or reserved frames, bad close codes,
    // unmasked frames) here and then closes the socket with the matching close code: the session
    // ends, the process never does.
    socket.on("error", (err) => log.warn({ err: excerpt(err.message) }, "agent channel protocol error"));
    socket.on("pong", () => liveness.heard(this.opts.now()));
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      liveness.heard(this.opts.now());
      if (isBinary) return socket.close(closeCodes.unsupportedData, "the agent channel carries text frames");
      let msg: AgentMessage;
      try {
        msg = parseFrame(agentMessage, data.toString("utf8"));
      } catch (err) {
        log.warn({ err: excerpt(err instanceof Error ? err.message : String(err)) }, "unreadable agent message");
        return socket.close(closeCodes.invalidPayload, "unreadable message");
      }
      this.receive(session, msg, log).catch((err: unknown) => {
        log.error({ err }, "agent message failed");
        this.send(session, { type: "error", message: err instanceof Error ? err.message : String(err) });
      });
    });
    socket.on("close", () => {
      // A session closed by the hub's own shutdown is not the agent going away.
      if (this.closing || this.sessions.get(instanceArn) !== session) return;
      this.sessions.delete(instanceArn);
      log.info("agent disconnected");
      this.setConnected(instanceArn, false, session.silentSinceMs).catch((err: unknown) => log.error({ err }, "could not record disconnect"));
    });
  }

  private async receive(session: Session, msg: AgentMessage, log: Logger): Promise<void> {
    switch (msg.type) {
      case "hello": {
        if (msg.protocolVersion !== protocolVersion) throw new Error(`protocol version ${msg.protocolVersion} is not ${protocolVersion}`);
        // Everything the agent knows, in one write: an agent with hundreds of tasks reconnects in one commit.
        this.refuse(session, await this.reports.submit(session.instanceArn, msg.tasks), log);
        await this.setConnected(session.instanceArn, true);
        const tasks = await this.opts.store.read((tx) => tx.tasks.holdingResources(session.instanceArn));
        const specs = tasks.map((t) => ({ ...agentSpec(t), created: t.known?.containers.some((c) => c.runtimeId !== undefined) ?? false }));
        specs.forEach((s) => session.sent.set(s.taskArn, s.desiredStatus));
        this.send(session, { type: "manifest", seq: ++session.seq, tasks: specs, heartbeatMs: this.heartbeatMs, batchReports: true });
        session.manifestSent = true;
        const greeting = this.opts.greeting?.();
        if (greeting) this.send(session, greeting);
        return;
      }
      case "taskState":
        // A refused report is acknowledged too: retrying it could never change the answer.
        this.refuse(session, await this.reports.submit(session.instanceArn, [msg.report]), log);
        this.send(session, { type: "stateAck", id: msg.id });
        return;
      case "taskStates":
        this.refuse(session, await this.reports.submit(session.instanceArn, msg.reports.map((r) => r.report)), log);
        this.send(session, { type: "stateAcks", ids: msg.reports.map((r) => r.id) });
        return;
      case "stats": {
        const refused = this.opts.onStats?.(session.instanceArn, msg.tasks) ?? 0;
        if (refused > 0) this.opts.refusals.count("StatsOfForeignTasks", { instance: session.instanceArn, refused }, "agent reported statistics of tasks not on its instance");
        return;
      }
      case "ack":
      case "heartbeat":
        return;
    }
  }

  /** Counts, logs and tells the agent about reports of tasks that are not on its instance. */
  private refuse(session: Session, refused: readonly TaskReport[], log: Logger): void {
    for (const report of refused) {
      this.refused++;
      log.warn({ taskArn: excerpt(report.taskArn), report: excerpt(JSON.stringify(report)), refusedTotal: this.refused }, "refused a report of a task on another instance");
      this.send(session, { type: "error", message: `Report refused: task ${excerpt(report.taskArn)} is not placed on container instance ${session.instanceArn}.` });
    }
  }

  /** How many reports sessions have sent about tasks not on their own instance. */
  get refusedReports(): number {
    return this.refused;
  }

  /** `sinceMs`: when the agent went away, if before now (a silent agent: when it was last heard). */
  private async setConnected(instanceArn: string, agentConnected: boolean, sinceMs?: number): Promise<void> {
    await this.opts.store.write((tx) => this.saveConnected(tx, instanceArn, agentConnected, sinceMs));
  }

  private async saveConnected(tx: WriteTx, instanceArn: string, agentConnected: boolean, sinceMs?: number): Promise<void> {
    const current = await tx.containerInstances.get(instanceArn);
    if (!current) return;
    const { replica } = this.opts;
    if (agentConnected ? current.agentConnected && current.agentReplica === replica : !current.agentConnected || !heldBy(current.agentReplica, replica)) return;
    await tx.containerInstances.put({
      ...current,
      agentConnected,
      ...(agentConnected && replica !== undefined && { agentReplica: replica }),
      agentDisconnectedAtMs: agentConnected ? current.agentDisconnectedAtMs : (sinceMs ?? this.opts.now()),
      version: current.version + 1,
    });
  }

  /** Queues a changed spec for its instance's agent: one payload per agent per turn of the event loop. */
  private push(instanceArn: string, spec: TaskSpec): void {
    const session = this.sessions.get(instanceArn);
    if (!session?.manifestSent || session.sent.get(spec.taskArn) === spec.desiredStatus) return;
    session.sent.set(spec.taskArn, spec.desiredStatus);
    session.pending.set(spec.taskArn, spec);
    this.pushing.add(session);
    if (this.pushScheduled) return;
    this.pushScheduled = true;
    setImmediate(() => {
      this.pushScheduled = false;
      for (const s of this.pushing) {
        this.send(s, { type: "payload", seq: ++s.seq, tasks: [...s.pending.values()] });
        s.pending.clear();
      }
      this.pushing.clear();
    });
  }

  /** Sends `msg` to every agent whose manifest is sent (earlier ones get it as their greeting). */
  broadcast(msg: ServerMessage): void {
    const text = JSON.stringify(msg);
    for (const session of this.sessions.values()) if (session.manifestSent && session.socket.readyState === session.socket.OPEN) session.socket.send(text);
  }

  private send(session: Session, msg: ServerMessage): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(msg));
  }

  /**
   * Pings the sessions due one, then judges silence once what already arrived has been read: the
   * verdict waits for setImmediate, which runs after the event loop's poll phase, so pongs that came
   * while the loop was busy (a long commit, a GC pause) are heard before anyone is judged silent.
   */
  private tick(): void {
    const now = this.opts.now();
    for (const session of this.sessions.values()) {
      if (!session.liveness.pingDue(now) || session.socket.readyState !== session.socket.OPEN) continue;
      session.socket.ping();
      session.liveness.pinged(now);
    }
    if (this.judging) return;
    this.judging = true;
    setImmediate(() => {
      this.judging = false;
      this.judge();
    });
  }

  /** Ends the sessions of agents silent past the limit (and so marks them disconnected since last heard). */
  private judge(): void {
    if (this.closing) return;
    const now = this.opts.now();
    for (const session of this.sessions.values()) {
      if (!session.liveness.silent(now)) continue;
      session.silentSinceMs = session.liveness.lastHeardMs;
      this.opts.logger.warn({ containerInstance: session.instanceArn, silentMs: now - session.liveness.lastHeardMs }, "agent silent: session ended");
      session.socket.terminate();
    }
  }

  /** Whether an agent holds a session for the instance now. */
  isConnected(instanceArn: string): boolean {
    return this.sessions.has(instanceArn);
  }

  close(): void {
    this.closing = true;
    clearInterval(this.timer);
    this.unsubscribe();
    for (const s of this.sessions.values()) s.socket.terminate();
    this.wss.close();
  }
}
