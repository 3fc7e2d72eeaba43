/**
 * Berth against Docker Swarm on the machine's real Docker Engine, in one run (`npm run bench:swarm`):
 * a real `berth server` with one real `berth agent` on this host, and a single-node swarm on the same
 * engine, driven and polled by the same code (bench/support/orchestrator.ts), rounds alternated.
 *
 * Figures, each the median of ROUNDS:
 *  (a) a service of REPLICAS from 0 until all RUNNING as reported (Berth: DescribeServices'
 *      runningCount; Swarm: the service's ServiceStatus.RunningTasks);
 *  (b) KILL of its containers `docker kill`ed until REPLICAS tasks RUNNING again on none of them
 *      (Berth: ListTasks + DescribeTasks; Swarm: GET /tasks, desired state running);
 *  (c) a rolling update of all of them, new ones first (Berth: a new task definition revision at
 *      100/200 with `--task-healthy-after 0s`; Swarm: `--update-parallelism REPLICAS
 *      --update-order start-first --update-monitor 0s`), until one deployment of the new revision
 *      is COMPLETED / the update is "completed", with REPLICAS RUNNING;
 *  idle: IDLE_SECONDS (10) with the REPLICAS running, not polled, between (a) and (b);
 *  (d) during each: user+system CPU seconds of Berth's processes (server + agent) and of the engine
 *      (dockerd + containerd, where Swarm's orchestration runs), and the 1-minute load average.
 *
 * Same image (berth-test), command (`sleep` under an init), memory limit and stop grace on both
 * sides. PULL=none (default) gives both their no-registry path (Berth's agent
 * ECS_IMAGE_PULL_BEHAVIOR=prefer-cached; Swarm the image by ID with --no-resolve-image);
 * PULL=default gives both the image by tag with their default pull behaviour (with no registry
 * reachable, each task start then makes a failing pull). POLL_MS (100) is both sides' polling
 * interval; WARMUP=0 skips the untimed warm-up round of 5 replicas; SIDES=berth runs Berth alone;
 * BERTH_NODE_ARGS gives its server and agent Node flags (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof");
 * BERTH_MAIN runs another build's server and agent (its dist/src/cli/main.js) for a before figure.
 *
 * The engine is put into swarm mode only if it is in none, and then left again at the end (also on
 * failure or Ctrl-C); only containers and services this run labelled are removed.
 */
import { loadavg } from "node:os";
import { docker } from "../test/support/berth-cluster.js";
import { until } from "../test/support/until.js";
import { BerthOrchestrator } from "./support/berth-orchestrator.js";
import { machineLine } from "./support/bench-cluster.js";
import { enginePids, summedCpuSeconds } from "./support/engine-cpu.js";
import { loadAverage } from "./support/measure.js";
import type { Orchestrator } from "./support/orchestrator.js";
import { SwarmOrchestrator } from "./support/swarm-orchestrator.js";

const rounds = Number(process.env.ROUNDS ?? 3);
const replicas = Number(process.env.REPLICAS ?? 50);
const killCount = Number(process.env.KILL ?? 10);
const pollMs = Number(process.env.POLL_MS ?? 100);
const pull = process.env.PULL ?? "none";
const warmup = process.env.WARMUP !== "0";
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 10);
/** SIDES=berth runs Berth alone (for profiling it: no table then, only the rounds). */
const sides = (process.env.SIDES ?? "berth,swarm").split(",").map((s) => s.trim());
if (pull !== "none" && pull !== "default") throw new Error(`PULL must be none or default, not ${pull}`);

interface Figure {
  readonly seconds: number;
  /** CPU seconds of the orchestrator's own processes (0 for Swarm: it runs inside dockerd). */
  readonly ownCpu: number;
  /** The same per process, in the order of `pids()` (Berth: server, agent). */
  readonly ownEach: readonly number[];
  /** CPU seconds of dockerd + containerd. */
  readonly engineCpu: number;
  /** The 1-minute load average at the end. */
  readonly load: number;
}
const figureNames = ["create", "idle", "kill", "update"] as const;
type FigureName = (typeof figureNames)[number];

/** Runs `action`, then polls `done` every POLL_MS; the clock and the CPU counters span both. */
async function measure(side: Orchestrator, what: string, action: () => Promise<unknown>, done: () => Promise<boolean>): Promise<Figure> {
  const own = side.pids();
  const engine = enginePids();
  const own0 = own.map((p) => summedCpuSeconds([p]));
  const engine0 = summedCpuSeconds(engine);
  const t0 = performance.now();
  await action();
  await until(what, async () => ((await done()) ? true : undefined), { timeoutMs: 300_000, everyMs: pollMs });
  const seconds = (performance.now() - t0) / 1000;
  const ownEach = own.map((p, i) => summedCpuSeconds([p]) - own0[i]!);
  return { seconds, ownCpu: ownEach.reduce((a, b) => a + b, 0), ownEach, engineCpu: summedCpuSeconds(engine) - engine0, load: loadavg()[0]! };
}

async function round(side: Orchestrator, r: number, size: number): Promise<Record<FigureName, Figure>> {
  await side.prepareCreate(r);
  const create = await measure(side, `${side.name}: ${size} RUNNING`, () => side.create(r, size), () => side.allRunning(size));
  const idleUntil = performance.now() + idleSeconds * 1000;
  const idle = await measure(side, `${side.name}: idle`, async () => {}, () => Promise.resolve(performance.now() >= idleUntil));
  const running = await side.runningContainers();
  if (running.length !== size) throw new Error(`${side.name}: ${running.length} containers running, expected ${size}`);
  const victims = [...running].sort(() => Math.random() - 0.5).slice(0, Math.min(killCount, size));
  const killed = new Set(victims);
  const kill = await measure(side, `${side.name}: ${victims.length} killed replaced`, () => docker("kill", ...victims), () => side.replaced(killed, size));
  const revision = r * 100 + 1;
  await side.prepareUpdate(revision);
  const update = await measure(side, `${side.name}: rolling update`, () => side.update(revision), () => side.updated(revision, size));
  await side.remove();
  return { create, idle, kill, update };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const opened: Orchestrator[] = [];
/** Berth's start-up while under way: a Ctrl-C then waits for it, so that its processes are stopped too. */
let berthStarting: Promise<Orchestrator> | undefined;
let closing: Promise<void> | undefined;
const closeAll = (): Promise<void> =>
  (closing ??= (async () => {
    const berth = await berthStarting?.catch(() => undefined);
    if (berth && !opened.includes(berth)) opened.unshift(berth);
    for (const side of opened.reverse()) {
      await side.close().catch((err: unknown) => console.error(`cleanup of ${side.name} failed:`, err));
    }
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up…`);
    void closeAll().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  berthStarting = BerthOrchestrator.start({ pullBehavior: pull === "none" ? "prefer-cached" : "default", nodeArgs: (process.env.BERTH_NODE_ARGS ?? "").split(" ").filter(Boolean), bin: process.env.BERTH_MAIN });
  const berth = await berthStarting;
  if (!opened.includes(berth)) opened.push(berth);
  const all: Orchestrator[] = [berth];
  if (sides.includes("swarm")) {
    const swarm = new SwarmOrchestrator();
    opened.push(swarm);
    try {
      await swarm.start({ byId: pull === "none" });
    } catch (err) {
      throw new Error(`Docker Swarm could not be started on this engine: ${(err as Error).message}`);
    }
    all.push(swarm);
    console.error(`swarm: ${swarm.initialisedSwarm ? "initialised by this run (left at the end)" : "already active (left as it was)"}`);
  }
  const load0 = loadAverage();
  if (warmup) {
    for (const side of all) await round(side, 0, 5);
  }
  const results: Record<string, Array<Record<FigureName, Figure>>> = { Berth: [], Swarm: [] };
  for (let r = 1; r <= rounds; r++) {
    const order = r % 2 === 1 ? all : [...all].reverse();
    for (const side of order) {
      const result = await round(side, r, replicas);
      results[side.name]!.push(result);
      console.error(`round ${r} ${side.name}: ${figureNames.map((f) => `${f} ${result[f].seconds.toFixed(2)} s (CPU own ${result[f].ownEach.map((c) => c.toFixed(2)).join(" + ")} + engine ${result[f].engineCpu.toFixed(2)} s)`).join("; ")}; load ${loadAverage()}`);
    }
  }
  if (all.length < 2) return;
  const med = (side: string, f: FigureName, k: Exclude<keyof Figure, "ownEach">) => median(results[side]!.map((x) => x[f][k]));
  const labels: Record<FigureName, string> = {
    create: `(a) service of ${replicas}, 0 → all RUNNING`,
    idle: `(d) ${replicas} RUNNING, idle ${idleSeconds} s, not polled`,
    kill: `(b) ${killCount} of ${replicas} containers killed → ${replicas} RUNNING again`,
    update: `(c) rolling update of ${replicas}, all at once, new first`,
  };
  console.log(`## Berth vs Docker Swarm on real Docker (${machineLine()}; load average before ${load0}, after ${loadAverage()})`);
  console.log(`${rounds} rounds, alternated; medians; PULL=${pull}; polled every ${pollMs} ms; image berth-test, \`sleep\` under an init, 32 MiB`);
  console.log("");
  console.log("| figure | Berth s | Swarm s | Berth / Swarm | Berth CPU s: server+agent + engine = total | Swarm CPU s (engine) | Berth / Swarm CPU | 1-min load at the end (Berth; Swarm) |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const f of figureNames) {
    const bs = med("Berth", f, "seconds");
    const ss = med("Swarm", f, "seconds");
    const own = med("Berth", f, "ownCpu");
    const eng = med("Berth", f, "engineCpu");
    const total = median(results.Berth!.map((x) => x[f].ownCpu + x[f].engineCpu));
    const swarmCpu = median(results.Swarm!.map((x) => x[f].ownCpu + x[f].engineCpu));
    console.log(
      `| ${labels[f]} | ${bs.toFixed(2)} | ${ss.toFixed(2)} | ${(bs / ss).toFixed(2)} | ${own.toFixed(2)} + ${eng.toFixed(2)} = ${total.toFixed(2)} | ${swarmCpu.toFixed(2)} | ${(total / swarmCpu).toFixed(2)} | ${med("Berth", f, "load").toFixed(2)}; ${med("Swarm", f, "load").toFixed(2)} |`,
    );
  }
  console.log("");
  console.log("Every round (seconds):");
  for (const side of ["Berth", "Swarm"]) {
    console.log(`- ${side}: ${figureNames.map((f) => `${f} ${results[side]!.map((x) => x[f].seconds.toFixed(2)).join(", ")}`).join("; ")}`);
  }
}

try {
  await main();
} finally {
  await closeAll();
}
