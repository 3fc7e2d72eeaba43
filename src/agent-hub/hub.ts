import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import {
  agentMessage,
  parseFrame,
  type AgentMessage,
  protocolVersion,
  type ServerMessage,
  type TaskReport,
  type TaskSpec,
} from "../agent-protocol/messages.js";
import { verifySigV4 } from "../api/sigv4/verify.js";
import type { Partition } from "../domain/arn.js";
import type { TaskRecord } from "../domain/task.js";
import { applyReport } from "../domain/task-report.js";
import { AwsError } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";
import type { RefusalLog } from "../observability/refusal-log.js";
import type { PlacementIndex } from "../placement/placement-index.js";
import type { ChangeFeed } from "../state/change-feed.js";
import type { Store } from "../state/store.js";

export const agentPath = "/agent/v1/connect";

export interface AgentHubOptions {
  readonly store: Store;
  readonly changes: ChangeFeed;
  readonly secrets: ReadonlyMap<string, string>;
  readonly partition: Partition;
  readonly logger: Logger;
  readonly now: () => number;
  readonly heartbeatMs?: number;
  readonly placement: PlacementIndex;
  /** Where refused connections are counted (one summary line per interval, each at debug). */
  readonly refusals: RefusalLog;
}

/** RFC 6455 close codes the hub sends itself (ws sends 1002, 1007 and 1009 for frame errors). */
const closeCodes = { invalidPayload: 1007, unsupportedData: 1003 } as const;

const truncate = (s: string, max = 200): string => (s.length > max ? `${s.slice(0, max)}…` : s);

/** `arn:aws:ecs:r:a:task/<cluster>/<id>` → cluster. */
const clusterFromArn = (taskArn: string): string => taskArn.split("/").at(-2) ?? "";

interface Session {
  readonly instanceArn: string;
  readonly socket: WebSocket;
  seq: number;
  lastSeenMs: number;
  /** Desired status last sent per task, so that only real changes are pushed. */
  readonly sent: Map<string, TaskSpec["desiredStatus"]>;
  /** Set once the manifest is sent: before it, changes wait for the manifest, which carries them all. */
  manifestSent: boolean;
}

/**
 * The server's end of the agent channel (see agent-protocol/messages.ts): authenticates agents,
 * keeps one session per container instance, pushes desired state, records reported state, and
 * marks instances disconnected when their heartbeats stop.
 */
export class AgentHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 << 20 });
  private readonly sessions = new Map<string, Session>();
  private readonly heartbeatMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private closing = false;

  constructor(private readonly opts: AgentHubOptions) {
    this.heartbeatMs = opts.heartbeatMs ?? 2000;
    this.timer = setInterval(() => this.tick(), this.heartbeatMs);
    this.unsubscribe = opts.changes.subscribe((c) => {
      if (c.kind === "task") this.push(c.record.containerInstanceArn, c.record.spec);
    });
  }

  /** After a restart no agent is connected yet: every instance waits for its agent to come back. */
  async markAllDisconnected(): Promise<void> {
    const { store } = this.opts;
    let after: string | undefined;
    do {
      const clusters = await store.read((tx) => tx.clusters.list({ limit: 100, after }));
      for (const cluster of clusters.items) {
        let cursor: string | undefined;
        do {
          const page = await store.read((tx) => tx.containerInstances.list(cluster.name, { limit: 500, after: cursor }));
          for (const i of page.items) if (i.agentConnected) await this.setConnected(i.arn, false);
          cursor = page.nextAfter;
        } while (cursor);
      }
      after = clusters.nextAfter;
    } while (after);
  }

  /** Handles an HTTP upgrade on the agent path; anything else is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws takes the socket over, a reset or a write to a gone peer must not reach the process.
    socket.on("error", (err) => this.opts.logger.debug({ err: err.message }, "agent upgrade socket error"));
    this.authenticate(req).then(
      (instanceArn) => this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(instanceArn, ws)),
      (err: unknown) => {
        const status = err instanceof AwsError ? err.status : 500;
        const message = err instanceof Error ? err.message : "error";
        if (err instanceof AwsError) this.opts.refusals.count(err.code, { err: excerpt(message, 200) }, "agent connection refused");
        else this.opts.logger.error({ err }, "agent connection failed");
        socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`);
      },
    );
  }

  private async authenticate(req: IncomingMessage): Promise<string> {
    const url = new URL(req.url ?? "/", "http://localhost");
    await verifySigV4(
      { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: new Uint8Array() },
      { secrets: this.opts.secrets, region: this.opts.partition.region, service: "ecs", nowMs: this.opts.now() },
    );
    const instanceArn = url.searchParams.get("containerInstance") ?? "";
    const instance = await this.opts.store.read((tx) => tx.containerInstances.get(instanceArn));
    if (!instance || instance.status === "INACTIVE") {
      throw new AwsError("ClientException", `Container instance ${instanceArn} is not registered: register it before connecting.`);
    }
    return instanceArn;
  }

  private attach(instanceArn: string, socket: WebSocket): void {
    this.sessions.get(instanceArn)?.socket.terminate();
    const session: Session = { instanceArn, socket, seq: 0, lastSeenMs: this.opts.now(), sent: new Map(), manifestSent: false };
    this.sessions.set(instanceArn, session);
    const log = this.opts.logger.child({ containerInstance: instanceArn });
    log.info("agent connected");
    // ws reports protocol violations (bad UTF-8, oversized or reserved frames, bad close codes,
    // unmasked frames) here and then closes the socket with the matching close code: the session
    // ends, the process never does.
    socket.on("error", (err) => log.warn({ err: truncate(err.message) }, "agent channel protocol error"));
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      session.lastSeenMs = this.opts.now();
      if (isBinary) return socket.close(closeCodes.unsupportedData, "the agent channel carries text frames");
      let msg: AgentMessage;
      try {
        msg = parseFrame(agentMessage, data.toString("utf8"));
      } catch (err) {
        log.warn({ err: truncate(err instanceof Error ? err.message : String(err)) }, "unreadable agent message");
        return socket.close(closeCodes.invalidPayload, "unreadable message");
      }
      this.receive(session, msg).catch((err: unknown) => {
        log.error({ err }, "agent message failed");
        this.send(session, { type: "error", message: err instanceof Error ? err.message : String(err) });
      });
    });
    socket.on("close", () => {
      // A session closed by the hub's own shutdown is not the agent going away.
      if (this.closing || this.sessions.get(instanceArn) !== session) return;
      this.sessions.delete(instanceArn);
      log.info("agent disconnected");
      this.setConnected(instanceArn, false).catch((err: unknown) => log.error({ err }, "could not record disconnect"));
    });
  }

  private async receive(session: Session, msg: AgentMessage): Promise<void> {
    switch (msg.type) {
      case "hello": {
        if (msg.protocolVersion !== protocolVersion) throw new Error(`protocol version ${msg.protocolVersion} is not ${protocolVersion}`);
        // Everything the agent knows, in one write: an agent with hundreds of tasks reconnects in one commit.
        await this.record(...msg.tasks);
        await this.setConnected(session.instanceArn, true);
        const tasks = await this.opts.store.read((tx) => tx.tasks.holdingResources(session.instanceArn));
        const specs = tasks.map((t) => ({ ...t.spec, created: t.known?.containers.some((c) => c.runtimeId !== undefined) ?? false }));
        specs.forEach((s) => session.sent.set(s.taskArn, s.desiredStatus));
        this.send(session, { type: "manifest", seq: ++session.seq, tasks: specs, heartbeatMs: this.heartbeatMs });
        session.manifestSent = true;
        return;
      }
      case "taskState":
        await this.record(msg.report);
        this.send(session, { type: "stateAck", id: msg.id });
        return;
      case "ack":
      case "heartbeat":
        return;
    }
  }

  /** Records reports durably, then publishes the changes. Reports of unknown tasks are ignored. */
  private async record(...reports: TaskReport[]): Promise<void> {
    const updated = await this.opts.store
      .write(async (tx) => {
        const changed: TaskRecord[] = [];
        for (const report of reports) {
          const task = await tx.tasks.get(report.taskArn);
          if (!task) continue;
          const next = applyReport(task, report, this.opts.now());
          if (next === task) continue;
          await tx.tasks.put(next);
          if (next.lastStatus === "STOPPED") this.opts.placement.release(next);
          changed.push(next);
        }
        return changed;
      })
      .catch((e: unknown) => {
        for (const r of reports) this.opts.placement.invalidate(clusterFromArn(r.taskArn));
        throw e;
      });
    for (const record of updated) this.opts.changes.publish({ kind: "task", record });
  }

  private async setConnected(instanceArn: string, agentConnected: boolean): Promise<void> {
    const record = await this.opts.store.write(async (tx) => {
      const current = await tx.containerInstances.get(instanceArn);
      if (!current || current.agentConnected === agentConnected) return undefined;
      const next = {
        ...current,
        agentConnected,
        agentDisconnectedAtMs: agentConnected ? current.agentDisconnectedAtMs : this.opts.now(),
        version: current.version + 1,
      };
      await tx.containerInstances.put(next);
      return next;
    });
    if (record) this.opts.changes.publish({ kind: "instance", record });
  }

  private push(instanceArn: string, spec: TaskSpec): void {
    const session = this.sessions.get(instanceArn);
    if (!session?.manifestSent || session.sent.get(spec.taskArn) === spec.desiredStatus) return;
    session.sent.set(spec.taskArn, spec.desiredStatus);
    this.send(session, { type: "payload", seq: ++session.seq, tasks: [spec] });
  }

  private send(session: Session, msg: ServerMessage): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(msg));
  }

  /** Heartbeats out; sessions silent for three periods are closed (and so marked disconnected). */
  private tick(): void {
    const now = this.opts.now();
    for (const session of this.sessions.values()) {
      if (now - session.lastSeenMs > 3 * this.heartbeatMs) session.socket.terminate();
      else this.send(session, { type: "heartbeat" });
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
