import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { pino } from "pino";
import { parseFrame, serverMessage, type AgentMessage, type ServerMessage } from "../agent-protocol/messages.js";
import { Authenticator } from "../auth/authenticator.js";
import { agentPrincipal, type AgentPrincipal } from "../auth/principal.js";
import { clusterArn, containerInstanceArn, taskArn, type Partition } from "../domain/arn.js";
import type { ContainerInstanceRecord } from "../domain/container-instance.js";
import type { TaskRecord } from "../domain/task.js";
import { RefusalLog } from "../observability/refusal-log.js";
import type { Change, ChangeFeed } from "../state/changes.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import { aContainerInstance } from "../state/store-builders.js";
import { AgentHub, type AgentSocket } from "./hub.js";

/** Builders, a fake agent socket and a hub over a real store for the hub's in-process tests. */

export const partition: Partition = { region: "us-east-1", accountId: "000000000000" };
export const cluster = "c";
export const instanceArn = (id: string): string => containerInstanceArn(partition, cluster, id);
export const principalOf = (instance: string): AgentPrincipal =>
  agentPrincipal(partition, { accessKeyId: `AKIA${instance.toUpperCase()}`, containerInstanceArn: instanceArn(instance), cluster });

type Message<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

/**
 * A WebSocket as the hub sees one: records what the hub sends (checked against the protocol's
 * schema), and ends in a `close` event after `close` or `terminate` returns, as ws does.
 */
export class FakeSocket extends EventEmitter implements AgentSocket {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: ServerMessage[] = [];
  closedWith: { code: number; reason: string } | undefined;
  terminated = false;
  /** WebSocket pings the hub sent. */
  pings = 0;

  send(data: string): void {
    this.sent.push(parseFrame(serverMessage, data));
    this.emit("sent");
  }

  ping(): void {
    this.pings++;
  }

  /** The agent's WebSocket answers a ping. */
  pong(): void {
    this.emit("pong");
  }

  close(code: number, reason: string): void {
    if (this.readyState !== this.OPEN) return;
    this.closedWith = { code, reason };
    this.end();
  }

  terminate(): void {
    if (this.readyState === 3) return;
    this.terminated = true;
    this.end();
  }

  /** The agent sends a message. */
  receive(msg: AgentMessage): void {
    this.frame(Buffer.from(JSON.stringify(msg)), false);
  }

  /** The agent sends a raw frame. */
  frame(data: Buffer, isBinary: boolean): void {
    this.emit("message", data, isBinary);
  }

  /** Every message of a type sent so far. */
  all<T extends ServerMessage["type"]>(type: T): Message<T>[] {
    return this.sent.filter((m): m is Message<T> => m.type === type);
  }

  /** The first message of a type (and matching `where`), once the hub has sent it; fails after `withinMs`. */
  async next<T extends ServerMessage["type"]>(type: T, where: (m: Message<T>) => boolean = () => true, withinMs = 2_000): Promise<Message<T>> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const found = this.all(type).find(where);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the hub sent no such ${type} within ${withinMs} ms; it sent ${JSON.stringify(this.sent)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.once("sent", done);
      });
    }
  }

  /** Resolves once the socket has emitted `close`. */
  async closed(): Promise<void> {
    if (this.readyState !== 3) await new Promise((resolve) => this.once("close", resolve));
  }

  private end(): void {
    this.readyState = 2;
    setImmediate(() => {
      this.readyState = 3;
      this.emit("close");
    });
  }
}

export function anInstance(id: string, o: Partial<ContainerInstanceRecord> = {}): ContainerInstanceRecord {
  return aContainerInstance(cluster, id, { arn: instanceArn(id), registeredAtMs: 0, agentConnected: false, ...o });
}

/** A task on `instance` (default i1); `created` gives its container a runtime id in the last report. */
export function aTask(id: string, o: { instance?: string; lastStatus?: TaskRecord["lastStatus"]; desired?: "RUNNING" | "STOPPED"; created?: boolean } = {}): TaskRecord {
  const arn = taskArn(partition, cluster, id);
  const lastStatus = o.lastStatus ?? "PENDING";
  const reported = lastStatus === "RUNNING" || lastStatus === "STOPPED" ? lastStatus : "PENDING";
  return {
    arn,
    id,
    cluster,
    clusterArn: clusterArn(partition, cluster),
    containerInstanceArn: instanceArn(o.instance ?? "i1"),
    taskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
    group: "family:web",
    launchType: "EC2",
    overrides: {},
    tags: [],
    spec: { taskArn: arn, family: "web", revision: 1, desiredStatus: o.desired ?? "RUNNING", networkMode: "bridge", containers: [{ name: "app", image: "busybox" }], volumes: [] },
    containerIds: { app: `${id}-app` },
    reservation: { cpu: 128, memory: 128, tcpPorts: [], udpPorts: [] },
    lastStatus,
    known: o.created ? { taskArn: arn, status: reported, containers: [{ name: "app", status: reported, runtimeId: `docker-${id}` }] } : undefined,
    createdAtMs: 0,
    version: 1,
  };
}

/** The first change committed from now on that matches; fails after `withinMs`. */
export function nextChange<K extends Change["kind"]>(changes: ChangeFeed, kind: K, where: (c: Extract<Change, { kind: K }>) => boolean = () => true, withinMs = 2_000): Promise<Extract<Change, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching ${kind} change was committed within ${withinMs} ms`));
    }, withinMs);
    const stop = changes.subscribe((c) => {
      const match = (x: Change): x is Extract<Change, { kind: K }> => x.kind === kind;
      if (match(c) && where(c)) {
        stop();
        clearTimeout(timer);
        resolve(c);
      }
    });
  });
}

export interface HubWorld {
  readonly hub: AgentHub;
  readonly store: SqliteStore;
  /** The store's change log. */
  readonly changes: ChangeFeed;
  /** Saves a record in its own write: the change log hands it to the hub on commit. */
  saveTask(task: TaskRecord): Promise<void>;
  saveInstance(instance: ContainerInstanceRecord): Promise<void>;
  readonly heartbeatMs: number;
  /** The hub's clock. */
  nowMs(): number;
  /** Advances the clock and the hub's timer together, a quarter heartbeat period (its check period) at a time. */
  elapse(periods: number): void;
  /** Moves the clock only, as if the hub's event loop had been busy that long, then runs its timer once. */
  stall(ms: number): void;
  /** Resolves once the hub has judged silence after the timer's last run (its verdict waits for setImmediate). */
  judged(): Promise<void>;
  /** Opens a session for an instance as its own agent. */
  connect(instance: string): FakeSocket;
}

/**
 * A hub over a real SQLite store in a temp dir (and its change log), a clock the
 * test moves and node:test's mock timers for the heartbeat interval; all of it closed after the test.
 */
export async function aHub(t: TestContext, seed: { instances?: ContainerInstanceRecord[]; tasks?: TaskRecord[]; heartbeatMs?: number; replica?: string } = {}): Promise<HubWorld> {
  t.mock.timers.enable({ apis: ["setInterval"] });
  const dir = mkdtempSync(join(tmpdir(), "berth-hub-"));
  const store = new SqliteStore({ path: join(dir, "berth.db") });
  const logger = pino({ level: "silent" });
  const refusals = new RefusalLog({ logger, intervalMs: 60_000 });
  const authenticator = new Authenticator({ rootKey: { accessKeyId: "AKIAROOT", secretAccessKey: "secret" }, agentCredential: (id) => store.read((tx) => tx.agentCredentials.get(id)), partition });
  let now = 1_000_000;
  const heartbeatMs = seed.heartbeatMs ?? 1_000;
  const hub = new AgentHub({ store, authenticator, partition, logger, now: () => now, heartbeatMs, refusals, replica: seed.replica });
  t.after(async () => {
    hub.close();
    refusals.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.write(async (tx) => {
    for (const i of seed.instances ?? [anInstance("i1"), anInstance("i2")]) await tx.containerInstances.put(i);
    for (const task of seed.tasks ?? []) await tx.tasks.put(task);
  });
  return {
    hub,
    store,
    changes: store.changes,
    saveTask: (task) => store.write((tx) => tx.tasks.put(task)),
    saveInstance: (instance) => store.write((tx) => tx.containerInstances.put(instance)),
    heartbeatMs,
    nowMs: () => now,
    elapse: (periods) => {
      for (let q = 0; q < periods * 4; q++) {
        now += heartbeatMs / 4;
        t.mock.timers.tick(heartbeatMs / 4);
      }
    },
    stall: (ms) => {
      now += ms;
      t.mock.timers.tick(heartbeatMs / 4);
    },
    judged: () => new Promise((resolve) => setImmediate(resolve)),
    connect: (instance) => {
      const socket = new FakeSocket();
      hub.attach(instanceArn(instance), principalOf(instance), socket);
      return socket;
    },
  };
}
