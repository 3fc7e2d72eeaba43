/**
 * A listener worker (`berth server --lb-workers N`): a process of node:cluster forked by the
 * control plane (worker-pool.ts) that serves every listener of the data plane on the listening
 * sockets the control plane binds and shares, as each view it receives says. It decides nothing:
 * health, draining and the configuration are the control plane's. It exits with the control plane
 * (node:cluster ends a worker whose parent's channel closes) and on SIGTERM, after closing its
 * listeners.
 */
import { createLogger } from "../observability/logger.js";
import { Listeners } from "./listeners.js";
import type { ToWorker, Traffic } from "./worker-messages.js";

let listeners: Listeners | undefined;

/** The control plane is this process's parent, running the same build: its messages are only checked for their kind. */
const isToWorker = (m: unknown): m is ToWorker => typeof m === "object" && m !== null && "type" in m && (m.type === "init" || m.type === "view");

process.on("message", (m: unknown) => {
  if (!isToWorker(m)) return;
  if (m.type === "init") {
    if (listeners) return;
    const logger = createLogger(m.logLevel).child({ component: "lb-worker", workerPid: process.pid });
    listeners = new Listeners({ bindAddress: m.bindAddress, logger, now: Date.now, random: Math.random, stickySecret: Buffer.from(m.stickySecret, "hex") });
    return;
  }
  if (!listeners) return;
  listeners.apply(m.view);
  // In the same turn as the view applied: a draining target counted 0 here gets nothing new.
  process.send?.({ type: "applied", generation: m.generation, inFlight: m.counted.map((k) => [k, listeners!.inFlight(k)]) });
});

process.send?.({ type: "ready" });

// What the listeners carried, to the control plane every second (the load balancers' metrics).
setInterval(() => {
  const entries = listeners?.traffic.drain() ?? [];
  if (entries.length > 0) process.send?.({ type: "traffic", entries } satisfies Traffic);
}, 1000).unref();

// Ctrl-C reaches the whole process group: the control plane decides when its workers end.
process.on("SIGINT", () => undefined);
process.once("SIGTERM", () => {
  const closing = listeners?.close() ?? Promise.resolve();
  void closing.finally(() => process.exit(0));
});
