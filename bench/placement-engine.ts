/**
 * Placement engine benchmark (run after `npx tsc -p .` as `node dist/bench/placement-engine.js`).
 *
 * Scenario, after Nomad's C1M: 1,000,000 tasks as 1,000 groups (services) of 1,000 onto 5,000
 * instances in 3 AZs, strategies spread(attribute:ecs.availability-zone) then binpack(memory),
 * distinctInstance on every 10th group. Each group is one placement call of count 1,000 whose
 * placements are then reserved in the ClusterState, as the plan applier would.
 *
 * Then, at the end state, 1,000 RunTask-like calls of count 10 (not reserved) give p50/p99. Two
 * naive baselines over plain objects are measured in the same run, at the end state and on a fresh
 * 100-group load: first fit (take the first instance that fits) and a full scan making the same
 * decisions as the engine (every instance visited for every task). The engine considers every
 * instance too; it samples nothing.
 *
 * Options: `--groups N` (default 1000), `--tasks N` per group (1000), `--instances N` (5000).
 */
import { ClusterState } from "../src/scheduler/cluster-state.js";
import { placeTasks } from "../src/scheduler/place.js";
import { seededRandom } from "../src/scheduler/strategies/random.js";
import type { InstanceSnapshot, PlacementRequest } from "../src/scheduler/types.js";

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? undefined : Number(process.argv[at + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
};
const GROUPS = arg("groups", 1000);
const TASKS = arg("tasks", 1000);
const INSTANCES = arg("instances", 5000);
const zones = ["us-east-1a", "us-east-1b", "us-east-1c"];

function instances(): InstanceSnapshot[] {
  return Array.from({ length: INSTANCES }, (_, i) => ({
    id: `ci-${i}`,
    arn: `arn:aws:ecs:us-east-1:000000000000:container-instance/bench/ci-${i}`,
    status: "ACTIVE",
    agentConnected: true,
    agentVersion: "1.105.1",
    ec2InstanceId: `i-${i.toString(16).padStart(17, "0")}`,
    registeredAtMs: Date.UTC(2026, 10, 21),
    registeredCpu: 16384,
    registeredMemory: 65536,
    remainingCpu: 16384,
    remainingMemory: 65536,
    usedTcpPorts: [22, 2375, 2376, 51678, 51679],
    usedUdpPorts: [],
    attributes: new Map([
      ["ecs.availability-zone", zones[i % zones.length] ?? "us-east-1a"],
      ["ecs.instance-type", "m5.4xlarge"],
    ]),
    runningTasksCount: 0,
    taskGroups: new Map(),
  }));
}

/** Group g's task: sizes vary so that instances fill unevenly (average 48 CPU units, 192 MiB). */
function groupRequest(g: number, count: number): PlacementRequest {
  return {
    count,
    group: `service:svc-${g}`,
    cpu: g % 2 === 0 ? 32 : 64,
    memory: g % 3 === 0 ? 128 : g % 3 === 1 ? 192 : 256,
    constraints: g % 10 === 0 ? [{ type: "distinctInstance" }] : [],
    strategies: [
      { type: "spread", field: "attribute:ecs.availability-zone" },
      { type: "binpack", field: "memory" },
    ],
  };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms = (n: number): string => n.toFixed(3);

/** The naive baseline: for each task, scan every instance object in order and take the first that fits. */
function naiveFirstFit(pool: NaiveInstance[], request: PlacementRequest): number {
  const distinct = (request.constraints ?? []).some((c) => c.type === "distinctInstance");
  let placed = 0;
  for (let t = 0; t < request.count; t++) {
    const chosen = pool.find(
      (s) => s.status === "ACTIVE" && s.agentConnected && s.remainingCpu >= request.cpu && s.remainingMemory >= request.memory && !(distinct && (s.groups.get(request.group) ?? 0) > 0),
    );
    if (chosen === undefined) break;
    chosen.remainingCpu -= request.cpu;
    chosen.remainingMemory -= request.memory;
    chosen.groups.set(request.group, (chosen.groups.get(request.group) ?? 0) + 1);
    placed++;
  }
  return placed;
}

/**
 * The naive best fit: the same decisions as the engine (spread over AZs, then binpack memory,
 * distinctInstance) made by scanning every instance object for every task, without an index.
 */
function naiveFullScan(pool: (NaiveInstance & { az: string })[], request: PlacementRequest): number {
  const distinct = (request.constraints ?? []).some((c) => c.type === "distinctInstance");
  const zoneLoad = new Map<string, number>();
  for (const s of pool) zoneLoad.set(s.az, (zoneLoad.get(s.az) ?? 0) + (s.groups.get(request.group) ?? 0));
  let placed = 0;
  for (let t = 0; t < request.count; t++) {
    let best: (NaiveInstance & { az: string }) | undefined;
    for (const s of pool) {
      const fits = s.status === "ACTIVE" && s.agentConnected && s.remainingCpu >= request.cpu && s.remainingMemory >= request.memory && !(distinct && (s.groups.get(request.group) ?? 0) > 0);
      if (!fits) continue;
      const load = zoneLoad.get(s.az) ?? 0;
      const bestLoad = best === undefined ? Infinity : (zoneLoad.get(best.az) ?? 0);
      if (best === undefined || load < bestLoad || (load === bestLoad && s.remainingMemory < best.remainingMemory)) best = s;
    }
    if (best === undefined) break;
    best.remainingCpu -= request.cpu;
    best.remainingMemory -= request.memory;
    best.groups.set(request.group, (best.groups.get(request.group) ?? 0) + 1);
    zoneLoad.set(best.az, (zoneLoad.get(best.az) ?? 0) + 1);
    placed++;
  }
  return placed;
}

interface NaiveInstance {
  remainingCpu: number;
  remainingMemory: number;
  groups: Map<string, number>;
  status: string;
  agentConnected: boolean;
}

function main(): void {
  const random = seededRandom(20261121);
  const built = performance.now();
  const state = ClusterState.from(instances());
  const buildMs = performance.now() - built;

  // Phase 1: the million.
  let placed = 0;
  let failed = 0;
  const groupMs: number[] = [];
  const start = performance.now();
  for (let g = 0; g < GROUPS; g++) {
    const request = groupRequest(g, TASKS);
    const t0 = performance.now();
    const result = placeTasks(state, request, { random });
    for (const p of result.placements) state.addTask({ ...p, group: request.group, cpu: request.cpu, memory: request.memory });
    groupMs.push(performance.now() - t0);
    placed += result.placements.length;
    failed += request.count - result.placements.length;
  }
  const loadSeconds = (performance.now() - start) / 1000;

  // Invariant check: nothing oversubscribed.
  for (let i = 0; i < state.size; i++) {
    if ((state.remainingCpu[i] ?? 0) < 0 || (state.remainingMemory[i] ?? 0) < 0) throw new Error(`instance ${i} oversubscribed`);
  }
  const memoryUsed = 1 - state.remainingMemory.reduce((a, b) => a + b, 0) / (INSTANCES * 65536);

  // Phase 2: RunTask of count 10 at the end state (not reserved, so every call sees the same state).
  const runTaskMs: number[] = [];
  for (let k = 0; k < 1000; k++) {
    const request = { ...groupRequest(k, 10), group: `family:probe-${k % 50}` };
    const t0 = performance.now();
    placeTasks(state, request, { random });
    runTaskMs.push(performance.now() - t0);
  }
  runTaskMs.sort((a, b) => a - b);

  // Phase 3: the naive baselines, on the same end state and on a fresh 100-group load.
  const endPool = Array.from({ length: state.size }, (_, i) => {
    const s = state.snapshot(i);
    const az = s.attributes.get("ecs.availability-zone") ?? "";
    return { remainingCpu: s.remainingCpu, remainingMemory: s.remainingMemory, groups: new Map(s.taskGroups), status: s.status, agentConnected: s.agentConnected, az };
  });
  const freshPool = (): (NaiveInstance & { az: string })[] =>
    instances().map((s) => ({ remainingCpu: s.remainingCpu, remainingMemory: s.remainingMemory, groups: new Map<string, number>(), status: s.status, agentConnected: s.agentConnected, az: s.attributes.get("ecs.availability-zone") ?? "" }));
  const naiveGroups = Math.min(100, GROUPS);
  const baseline = (place: (pool: (NaiveInstance & { az: string })[], request: PlacementRequest) => number) => {
    const runTask: number[] = [];
    for (let k = 0; k < 200; k++) {
      const pool = endPool.map((s) => ({ ...s, groups: new Map(s.groups) }));
      const t0 = performance.now();
      place(pool, { ...groupRequest(k, 10), group: `family:probe-${k % 50}` });
      runTask.push(performance.now() - t0);
    }
    runTask.sort((a, b) => a - b);
    const pool = freshPool();
    const t0 = performance.now();
    let count = 0;
    for (let g = 0; g < naiveGroups; g++) count += place(pool, groupRequest(g, TASKS));
    const seconds = (performance.now() - t0) / 1000;
    return {
      runTaskCount10AtEndState: { calls: runTask.length, p50Ms: Number(ms(percentile(runTask, 50))), p99Ms: Number(ms(percentile(runTask, 99))) },
      load: { groups: naiveGroups, placed: count, seconds: Number(seconds.toFixed(2)), placementsPerSecond: Math.round(count / seconds) },
    };
  };
  const naive = { firstFit: baseline(naiveFirstFit), fullScanSameStrategies: baseline(naiveFullScan) };

  groupMs.sort((a, b) => a - b);
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  const report = {
    scenario: `${GROUPS} groups x ${TASKS} tasks onto ${INSTANCES} instances in 3 AZs, spread(AZ) then binpack(memory), distinctInstance on every 10th group`,
    buildStateMs: Number(ms(buildMs)),
    placed,
    failed,
    loadSeconds: Number(loadSeconds.toFixed(2)),
    placementsPerSecond: Math.round(placed / loadSeconds),
    groupCallMs: { p50: Number(ms(percentile(groupMs, 50))), p99: Number(ms(percentile(groupMs, 99))) },
    memoryUsedFraction: Number(memoryUsed.toFixed(3)),
    runTaskCount10AtEndState: { calls: runTaskMs.length, p50Ms: Number(ms(percentile(runTaskMs, 50))), p99Ms: Number(ms(percentile(runTaskMs, 99))), maxMs: Number(ms(runTaskMs.at(-1) ?? 0)) },
    naive,
    peakRssMiB: Math.round(rssMiB),
  };
  console.log(JSON.stringify(report, null, 2));
}

main();
