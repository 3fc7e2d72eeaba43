/**
 * A preload for a server under a benchmark (`SERVER_NODE_ARGS="--import <dist>/bench/support/loop-probe.js"`):
 * once a second, one line on stderr with the event loop's delay (perf_hooks.monitorEventLoopDelay,
 * 1 ms resolution: p50, p99, max) and the garbage collections of that second (count, total and
 * longest pause, by kind), so that stalls of the loop can be told apart from GC pauses. Lines carry
 * the process id and whether it is a load balancer worker.
 */
import { monitorEventLoopDelay, PerformanceObserver, constants } from "node:perf_hooks";

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const kinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};
let gc: Record<string, { n: number; ms: number; max: number }> = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const detail: unknown = (e as { detail?: unknown }).detail;
    const kind = kinds[typeof detail === "object" && detail !== null && "kind" in detail && typeof detail.kind === "number" ? detail.kind : 0] ?? "other";
    const g = (gc[kind] ??= { n: 0, ms: 0, max: 0 });
    g.n++;
    g.ms += e.duration;
    g.max = Math.max(g.max, e.duration);
  }
}).observe({ entryTypes: ["gc"] });
const role = process.env.BERTH_LB_WORKER === "1" ? "lb-worker" : "server";
const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
setInterval(() => {
  const round = (g: { n: number; ms: number; max: number }) => ({ n: g.n, ms: Math.round(g.ms * 100) / 100, max: Math.round(g.max * 100) / 100 });
  const line = { probe: "loop", t: Date.now(), pid: process.pid, role, p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), gc: Object.fromEntries(Object.entries(gc).map(([k, g]) => [k, round(g)])) };
  process.stderr.write(`${JSON.stringify(line)}\n`);
  delay.reset();
  gc = {};
}, 1000).unref();
