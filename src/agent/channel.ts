import type { FirewallView } from "../domain/security-groups/firewall-view.js";
import { randomBytes } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import type { Logger } from "pino";
import WebSocket from "ws";
import {
  handshakeNonceParameter,
  parseFrame,
  protocolVersion,
  serverMessage,
  type AgentMessage,
  type TaskReport,
  type TaskSpec,
  type TaskUsage,
  maxStatsPerMessage,
  maxReportsPerMessage,
} from "../agent-protocol/messages.js";
import type { AccessKey } from "../auth/credentials-file.js";
import { closeMeansEndpointDown, type EndpointRotation } from "./endpoints.js";

export interface ChannelOptions {
  /** The control plane's endpoints: the channel connects to the current one and moves on when it goes. */
  readonly endpoints: EndpointRotation;
  readonly region: string;
  /** The agent's own credential (root only for simulated agents). */
  readonly credentials: AccessKey;
  /** CAs to trust for a wss:// endpoint; undefined: the system's. */
  readonly ca?: Buffer | undefined;
  readonly containerInstanceArn: string;
  readonly logger: Logger;
  /** What the agent knows now, sent in `hello` on every (re)connect. */
  readonly knownTasks: () => TaskReport[];
  /** Desired state from the server; `complete` means tasks absent from the list are not wanted here. */
  readonly onDesired: (tasks: readonly TaskSpec[], complete: boolean) => void;
  /** The security groups' rules and members, whole, each time they change. */
  readonly onFirewall?: (view: FirewallView) => void;
}

/**
 * The agent's end of the agent channel (agent-protocol/messages.ts). Keeps one WebSocket open,
 * reconnecting with jittered exponential backoff (250 ms to 30 s); sends state reports in order,
 * retrying each until the server has acknowledged it; notices a silent server. With several
 * endpoints (replicas), a connection that fails or drops abnormally sends the channel to the next
 * at once, and the backoff applies per round of all of them (endpoints.ts).
 *
 * The server pings every `heartbeatMs` (WebSocket pings, which ws answers with pongs by itself,
 * before any of this code runs). A server unheard for `serverSilenceMs` is gone: three periods, but
 * never less than 10 s, because a reconnect costs the server a full hello and manifest exactly when
 * it is busiest, and a control plane that stalls for a few seconds has not lost its agents.
 */
export const minServerSilenceMs = 10_000;

export class AgentChannel {
  private socket?: WebSocket;
  /** The endpoint of the socket being opened or open. */
  private endpoint?: string;
  private stopped = false;
  private attempt = 0;
  private nextReportId = 1;
  /** Reports not yet acknowledged, in the order they were made. */
  private readonly unacked = new Map<number, TaskReport>();
  /** Ids of unacknowledged reports already sent on this connection. */
  private readonly sentHere = new Set<number>();
  /** This connection's manifest has come: reports may go (before it, they wait). */
  private ready = false;
  /** The server takes `taskStates` (its manifest said so). */
  private batches = false;
  private flushScheduled = false;
  private heartbeatMs = 5000;
  private lastHeardMs = 0;
  private watchdog?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  /** WebSocket pings heard from the server (each answered by ws with a pong). */
  pingsHeard = 0;

  constructor(private readonly opts: ChannelOptions) {}

  start(): void {
    this.connect().catch((err: unknown) => this.scheduleReconnect(err));
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /**
   * Queues a report. The reports of one turn of the event loop go together at its end, in one
   * `taskStates` frame (the server records them in one write), and again after every reconnect's
   * manifest until acknowledged.
   */
  report(report: TaskReport): void {
    // A newer report of the same task supersedes an unacknowledged older one.
    for (const [id, r] of this.unacked) if (r.taskArn === report.taskArn) this.unacked.delete(id);
    const id = this.nextReportId++;
    this.unacked.set(id, report);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Sends the unacknowledged reports not yet sent on this connection, once its manifest has come. */
  private flush(): void {
    if (!this.ready || !this.connected) return;
    const due = [...this.unacked].filter(([id]) => !this.sentHere.has(id));
    due.forEach(([id]) => this.sentHere.add(id));
    if (!this.batches) {
      for (const [id, report] of due) this.send({ type: "taskState", id, report });
      return;
    }
    for (let i = 0; i < due.length; i += maxReportsPerMessage) {
      this.send({ type: "taskStates", reports: due.slice(i, i + maxReportsPerMessage).map(([id, report]) => ({ id, report })) });
    }
  }

  /** Sends the running tasks' resource use now if connected; dropped otherwise (a gap in the metrics, not a backlog). */
  sendStats(usage: readonly TaskUsage[]): void {
    for (let i = 0; i < usage.length; i += maxStatsPerMessage) this.send({ type: "stats", tasks: usage.slice(i, i + maxStatsPerMessage) });
  }

  private async connect(): Promise<void> {
    const endpoint = this.opts.endpoints.current();
    const url = new URL("/agent/v1/connect", endpoint);
    url.searchParams.set("containerInstance", this.opts.containerInstanceArn);
    // Signed with the rest: the server accepts a handshake once, so a captured one cannot be replayed.
    url.searchParams.set(handshakeNonceParameter, randomBytes(16).toString("hex"));
    const headers = await signHandshake(url, this.opts.credentials, this.opts.region);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url, { headers, handshakeTimeout: 10_000, ...(this.opts.ca && { ca: this.opts.ca }) });
    this.socket = socket;
    this.endpoint = endpoint;
    socket.on("open", () => {
      this.attempt = 0;
      this.lastHeardMs = Date.now();
      this.opts.logger.info({ endpoint }, "connected to the control plane");
      this.ready = false;
      this.sentHere.clear();
      this.send({ type: "hello", protocolVersion, tasks: this.opts.knownTasks() });
    });
    socket.on("ping", () => {
      this.pingsHeard++;
      this.lastHeardMs = Date.now();
    });
    socket.on("message", (data: Buffer) => {
      this.lastHeardMs = Date.now();
      this.receive(data.toString("utf8"));
    });
    socket.on("unexpected-response", (_req, res) => {
      this.opts.logger.warn({ status: res.statusCode }, "control plane refused the agent connection");
    });
    socket.on("error", (err) => this.opts.logger.warn({ err: err.message }, "agent channel error"));
    socket.on("close", (code: number) => {
      if (this.socket === socket) this.socket = undefined;
      clearInterval(this.watchdog);
      this.closed(endpoint, code);
    });
  }

  private receive(text: string): void {
    let msg;
    try {
      msg = parseFrame(serverMessage, text);
    } catch (err) {
      this.opts.logger.error({ err }, "unreadable message from the control plane");
      return;
    }
    switch (msg.type) {
      case "manifest":
        // The connection works (upgrade, hello and manifest): a new round of endpoints starts.
        if (this.endpoint !== undefined) this.opts.endpoints.succeeded(this.endpoint);
        this.heartbeatMs = msg.heartbeatMs;
        this.startWatchdog();
        this.opts.onDesired(msg.tasks, true);
        this.send({ type: "ack", seq: msg.seq });
        this.batches = msg.batchReports === true;
        this.ready = true;
        this.flush();
        return;
      case "payload":
        this.opts.onDesired(msg.tasks, false);
        this.send({ type: "ack", seq: msg.seq });
        return;
      case "firewall":
        this.opts.onFirewall?.(msg.view);
        return;
      case "stateAck":
        this.unacked.delete(msg.id);
        this.sentHere.delete(msg.id);
        return;
      case "stateAcks":
        for (const id of msg.ids) {
          this.unacked.delete(id);
          this.sentHere.delete(id);
        }
        return;
      case "heartbeat":
        // Servers before WebSocket pings sent these and expected one back.
        this.send({ type: "heartbeat" });
        return;
      case "error":
        this.opts.logger.error({ message: msg.message }, "control plane reported an error");
        return;
    }
  }

  /** A server silent for `serverSilenceMs` is gone: drop the socket and reconnect. */
  private startWatchdog(): void {
    clearInterval(this.watchdog);
    const silenceMs = Math.max(3 * this.heartbeatMs, minServerSilenceMs);
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastHeardMs > silenceMs) this.socket?.terminate();
    }, this.heartbeatMs);
  }

  /**
   * The socket to `endpoint` closed (or never opened). An endpoint that is down is left for the
   * next at once, unless every endpoint has now failed in this round; then, or after any other
   * close, the channel backs off.
   */
  private closed(endpoint: string, code: number): void {
    if (this.stopped) return;
    if (closeMeansEndpointDown(code)) {
      const step = this.opts.endpoints.failed(endpoint);
      if (!step.backOff) {
        this.opts.logger.warn({ endpoint, code, next: step.next }, "control plane endpoint unreachable; trying the next");
        this.reconnectIn(0);
        return;
      }
    }
    this.scheduleReconnect(undefined);
  }

  private scheduleReconnect(err: unknown): void {
    if (this.stopped || this.reconnectTimer) return;
    if (err) this.opts.logger.warn({ err: err instanceof Error ? err.message : err }, "agent channel connect failed");
    const ceiling = Math.min(30_000, 250 * 2 ** this.attempt++);
    this.reconnectIn(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private reconnectIn(delay: number): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((e: unknown) => this.scheduleReconnect(e));
    }, delay);
  }

  private send(msg: AgentMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }



  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.watchdog);
    this.socket?.close();
  }
}

/**
 * The SigV4 headers of an agent-channel upgrade to `url` (service `ecs`, its query and so its nonce
 * signed), less `host`, which the WebSocket client sends itself.
 */
export async function signHandshake(url: URL, credentials: AccessKey, region: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service: "ecs", sha256: Hash.bind(null, "sha256") });
  const signed = await signer.sign({
    method: "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host },
  });
  const { host: _host, ...rest } = signed.headers;
  return rest;
}
