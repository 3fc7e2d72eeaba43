import cluster, { type Worker } from "node:cluster";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { InFlightCounts, Serving, ServingView } from "./serving-view.js";
import { TrafficTally, type TrafficEntries } from "./traffic.js";
import { isReady, readApplied, readTraffic, type Applied, type ToWorker } from "./worker-messages.js";

export interface WorkerPoolOptions {
  /** How many listener workers (`--lb-workers`). */
  readonly count: number;
  readonly bindAddress: string;
  readonly logLevel: string;
  readonly stickySecret: Buffer;
  readonly logger: Logger;
  /** How long a view waits for a worker's answer before counting that worker's in-flight requests as unknown. */
  readonly answerTimeoutMs?: number;
}

interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  /** Whether the worker said it listens for messages (and was given the last view). */
  ready: boolean;
  /** Views sent and not answered yet, by generation: called with the answer, or undefined when the worker died. */
  readonly waiting: Map<number, (a: Applied | undefined) => void>;
  startedAtMs: number;
  /** Crashes in a row (a worker that lived 10 s resets it): the restart's backoff. */
  crashes: number;
  restart: NodeJS.Timeout | undefined;
}

/**
 * A proxy's garbage is per request and dies young. V8 starts the young generation at 1 MB and grows
 * it slowly, so a worker scavenged about as often as one process carrying all the load (measured
 * under bench:lb: ~11 pauses a second each, of up to tens of ms on a busy machine); 16 MB from the
 * start makes them rarer, for 32 MB of address space per worker.
 */
const workerV8Flags = ["--min-semi-space-size=16"];

/** A worker that lived this long before dying is restarted at once. */
const stableAfterMs = 10_000;

/**
 * Listeners served by worker processes (node:cluster), on as many cores: the control plane binds
 * each listener's socket once and the workers accept on it (SCHED_NONE: the kernel spreads the
 * connections, the control plane's loop carries no request). Each view goes to every worker; a
 * worker answers once it has applied it, with its in-flight counts. A worker that dies is
 * restarted (logged, with backoff) and given the last view before anything else; its requests
 * died with it, so it counts nothing in flight.
 */
export class WorkerPool implements Serving {
  private readonly slots: Slot[] = [];
  private generation = 0;
  private last: ServingView | undefined;
  private closing = false;
  /** The workers' traffic counts, merged as they arrive. */
  private readonly traffic = new TrafficTally();

  constructor(private readonly opts: WorkerPoolOptions) {}

  /** Forks the workers, once, with the first listener: a server (or region) without one runs none. */
  private start(): void {
    // Before the first fork: workers accept on the shared socket themselves.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ exec: fileURLToPath(new URL("./worker-main.js", import.meta.url)), args: [], execArgv: [...process.execArgv, ...workerV8Flags] });
    for (let i = 0; i < this.opts.count; i++) {
      const slot: Slot = { index: i, worker: undefined, ready: false, waiting: new Map(), startedAtMs: 0, crashes: 0, restart: undefined };
      this.slots.push(slot);
      this.fork(slot);
    }
  }

  /** The workers' process ids (tests and diagnostics). */
  pids(): number[] {
    return this.slots.flatMap((s) => (s.worker?.process.pid === undefined ? [] : [s.worker.process.pid]));
  }

  private fork(slot: Slot): void {
    const worker = cluster.fork({ BERTH_LB_WORKER: "1" });
    slot.worker = worker;
    slot.startedAtMs = Date.now();
    slot.ready = false;
    worker.on("message", (m: unknown) => {
      // A worker's messages before it listens for any are lost: it says when it does, and gets
      // what it needs then (and, until then, serves nothing, so counts nothing in flight).
      if (isReady(m) && !slot.ready) {
        slot.ready = true;
        this.send(worker, { type: "init", bindAddress: this.opts.bindAddress, logLevel: this.opts.logLevel, stickySecret: this.opts.stickySecret.toString("hex") });
        if (this.last) this.send(worker, { type: "view", generation: this.generation, view: this.last, counted: [] });
        return;
      }
      const traffic = readTraffic(m);
      if (traffic) {
        this.traffic.merge(traffic);
        return;
      }
      const a = readApplied(m);
      if (!a) return;
      const answer = slot.waiting.get(a.generation);
      slot.waiting.delete(a.generation);
      answer?.(a);
    });
    worker.on("error", (err) => this.opts.logger.warn({ err, worker: slot.index }, "load balancer worker: channel error"));
    worker.once("exit", (code, signal) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      for (const answer of slot.waiting.values()) answer(undefined);
      slot.waiting.clear();
      if (this.closing) return;
      slot.crashes = Date.now() - slot.startedAtMs >= stableAfterMs ? 1 : slot.crashes + 1;
      const delayMs = Math.min(5000, 100 * 2 ** (slot.crashes - 1));
      this.opts.logger.error({ worker: slot.index, workerPid: worker.process.pid, code, signal, restartInMs: delayMs }, "load balancer worker exited; restarting it");
      slot.restart = setTimeout(() => {
        slot.restart = undefined;
        if (!this.closing) this.fork(slot);
      }, delayMs);
    });
  }

  private send(worker: Worker, m: ToWorker): void {
    // A worker whose channel is closing is about to exit: its exit answers for it.
    if (worker.isConnected()) worker.send(m, undefined, undefined, () => undefined);
  }

  async apply(view: ServingView, counted: readonly string[]): Promise<InFlightCounts> {
    const generation = ++this.generation;
    this.last = view;
    if (this.slots.length === 0 && view.listeners.length > 0 && !this.closing) this.start();
    const answers = this.slots.flatMap((slot) => {
      const worker = slot.worker;
      if (!worker || !slot.ready) return [];
      return [
        new Promise<Applied | undefined | "late">((resolve) => {
          const timer = setTimeout(() => {
            slot.waiting.delete(generation);
            resolve("late");
          }, this.opts.answerTimeoutMs ?? 5000);
          slot.waiting.set(generation, (a) => {
            clearTimeout(timer);
            resolve(a);
          });
          this.send(worker, { type: "view", generation, view, counted });
        }),
      ];
    });
    const got = await Promise.all(answers);
    const total = new Map<string, number>(counted.map((k) => [k, 0]));
    for (const a of got) {
      // A dead worker has nothing in flight; one that did not answer may have anything.
      if (a === undefined) continue;
      const counts = a === "late" ? undefined : new Map(a.inFlight);
      for (const k of counted) total.set(k, (total.get(k) ?? 0) + (counts ? (counts.get(k) ?? 0) : Infinity));
    }
    return total;
  }

  drainTraffic(): TrafficEntries {
    return this.traffic.drain();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.restart);
        const worker = slot.worker;
        if (!worker || worker.isDead()) return;
        await new Promise<void>((resolve) => {
          // A worker that does not close its listeners within 3 s is killed.
          const kill = setTimeout(() => worker.process.kill("SIGKILL"), 3000);
          worker.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          worker.process.kill("SIGTERM");
        });
      }),
    );
  }
}
