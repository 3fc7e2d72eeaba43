/**
 * The control plane at scale (issue 18's table), one real `berth server` process and SIMULATED
 * instances (real agent protocol, no containers), in the order the state is built:
 * 1. SERVICES services × TASKS_PER_SERVICE tasks (1,000 × 1,000) onto INSTANCES (5,000 of 8,192 CPU
 *    units and 32,768 MiB): CreateService of each, until DescribeClusters' runningTasksCount (tasks
 *    the agents reported RUNNING, committed) is all of them; tasks sized to fill FILL (0.78);
 * 2. idle: the server's CPU over IDLE_SECONDS (60) once every deployment is COMPLETED and quiet;
 * 3. DescribeClusters with STATISTICS and DescribeTasks of one ARN: wall latency and the server's
 *    CPU per call (its CPU over CALLS sequential calls, less the idle share of the same wall time);
 * 4. the server's RSS holding all of it;
 * 5. kill -9 and restart on the same data dir: seconds until the API answers, until every agent
 *    has reattached (received its manifest again), and whether any task was stopped, restarted or
 *    duplicated (the agents' running task ARNs and runningTasksCount, SETTLE_SECONDS (20) later).
 * `npm run bench:scale`; PARTS (`place,idle,describe,rss,kill9`) picks what runs after placing.
 * Small runs: INSTANCES=100 SERVICES=20 TASKS_PER_SERVICE=100 IDLE_SECONDS=10 npm run bench:scale
 */
import { CreateServiceCommand, DescribeClustersCommand, DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { instanceSize, machineLine, quantile, startBenchCluster, type BenchCluster } from "./support/bench-cluster.js";
import { cpuSeconds, fill, loadAverage, rssMiB, sleep, taskSizeFor, untilRunning } from "./support/measure.js";

const instances = Number(process.env.INSTANCES ?? 5000);
const services = Number(process.env.SERVICES ?? 1000);
const perService = Number(process.env.TASKS_PER_SERVICE ?? 1000);
const target = Number(process.env.FILL ?? 0.78);
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 60);
const calls = Number(process.env.CALLS ?? 200);
const settleSeconds = Number(process.env.SETTLE_SECONDS ?? 20);
const parts = new Set((process.env.PARTS ?? "idle,describe,rss,kill9").split(","));
const tasks = services * perService;

const row = (figure: string, value: string) => console.log(`| ${figure} | ${value} |`);

async function place(bench: BenchCluster): Promise<void> {
  const { ecs, name: cluster } = bench;
  const size = taskSizeFor({ instances, instanceCpu: instanceSize.cpu, instanceMemory: instanceSize.memory, tasks, target });
  await ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "app", image: "app:v1", cpu: size.cpu, memory: size.memory }] }));
  const load0 = loadAverage();
  const t0 = performance.now();
  for (let i = 0; i < services; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, services - i) }, (_, j) => ecs.send(new CreateServiceCommand({ cluster, serviceName: `svc-${i + j}`, taskDefinition: "app:1", desiredCount: perService }))),
    );
  }
  const createdSeconds = (performance.now() - t0) / 1000;
  await untilRunning(ecs, cluster, tasks, { everyMs: 500 });
  const seconds = (performance.now() - t0) / 1000;
  const used = fill({ instances, instanceCpu: instanceSize.cpu, instanceMemory: instanceSize.memory, tasks, taskCpu: size.cpu, taskMemory: size.memory });
  console.log(`${instances} simulated instances of ${instanceSize.cpu} CPU units and ${instanceSize.memory} MiB in 3 AZs (connected in ${bench.registerSeconds.toFixed(1)} s); ${services} REPLICA services × ${perService} tasks of ${size.cpu} CPU units and ${size.memory} MiB`);
  console.log("| figure | value |\n|---|---|");
  row(`${services} × ${perService} tasks: CreateService of each (20 at a time), until all ${tasks} RUNNING as reported by the agents`, `${seconds.toFixed(1)} s (${(tasks / seconds).toFixed(0)} tasks/s; the CreateService calls took ${createdSeconds.toFixed(1)} s; load average before ${load0}, after ${loadAverage()})`);
  row("fleet filled", `CPU ${(100 * used.cpu).toFixed(0)} %, memory ${(100 * used.memory).toFixed(0)} %; ${bench.agents.filter((a) => a.runningTaskArns().length > 0).length} of ${instances} instances run tasks`);
}

/** Waits until every service's deployment is COMPLETED, so that idle means idle. */
async function untilSteady(bench: BenchCluster): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    let steady = 0;
    for (let i = 0; i < services; i += 10) {
      const names = Array.from({ length: Math.min(10, services - i) }, (_, j) => `svc-${i + j}`);
      const out = await bench.ecs.send(new DescribeServicesCommand({ cluster: bench.name, services: names })).catch((err: unknown) => {
        console.error(`… poll failed: ${String(err)}`);
        return { services: [] };
      });
      steady += (out.services ?? []).filter((s) => s.deployments?.length === 1 && s.deployments[0]?.rolloutState === "COMPLETED").length;
    }
    if (steady === services) return (performance.now() - t0) / 1000;
    await sleep(2000);
  }
}

async function idle(bench: BenchCluster): Promise<number> {
  const steadySeconds = await untilSteady(bench);
  await sleep(5000);
  const pid = bench.serverPid!;
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(idleSeconds * 1000);
  const share = (cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000);
  row(`idle: ${services} steady services on ${instances} instances, server CPU over ${idleSeconds} s`, `${(100 * share).toFixed(1)} % of one core (every deployment COMPLETED ${steadySeconds.toFixed(0)} s after all were RUNNING; load average ${loadAverage()})`);
  return share;
}

async function perCall(bench: BenchCluster, name: string, idleShare: number, call: () => Promise<unknown>): Promise<void> {
  await call();
  const pid = bench.serverPid!;
  const latencies: number[] = [];
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const s = performance.now();
    await call();
    latencies.push(performance.now() - s);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpuUs = ((cpuSeconds(pid) - c0 - idleShare * wall) / calls) * 1e6;
  row(`${name} at ${tasks} tasks, ${calls} sequential calls`, `p50 ${quantile(latencies, 0.5).toFixed(2)} ms, p99 ${quantile(latencies, 0.99).toFixed(2)} ms (client side); server CPU ${cpuUs.toFixed(0)} µs per call (less the idle share; /proc has 10 ms ticks, so only the mean of many calls means anything)`);
}

async function describe(bench: BenchCluster, idleShare: number): Promise<void> {
  const { ecs, name: cluster } = bench;
  const arn = (await ecs.send(new ListTasksCommand({ cluster, maxResults: 1 }))).taskArns![0]!;
  await perCall(bench, "DescribeClusters (STATISTICS)", idleShare, () => ecs.send(new DescribeClustersCommand({ clusters: [cluster], include: ["STATISTICS"] })));
  await perCall(bench, "DescribeTasks of one ARN", idleShare, () => ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] })));
}

async function kill9(bench: BenchCluster): Promise<void> {
  const { ecs, name: cluster, agents } = bench;
  const before = new Set(agents.flatMap((a) => a.runningTaskArns()));
  const manifests = agents.map((a) => a.manifests);
  const t0 = performance.now();
  const restarted = bench.kill9AndRestart();
  let apiSeconds = NaN;
  const deadline = t0 + 600_000;
  while (performance.now() < deadline) {
    try {
      await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
      apiSeconds = (performance.now() - t0) / 1000;
      break;
    } catch {
      await sleep(100);
    }
  }
  await restarted;
  let reattachedSeconds = NaN;
  for (; performance.now() < deadline; await sleep(250)) {
    if (agents.every((a, i) => a.manifests > manifests[i]!)) {
      reattachedSeconds = (performance.now() - t0) / 1000;
      break;
    }
  }
  const back = agents.filter((a, i) => a.manifests > manifests[i]!).length;
  await sleep(settleSeconds * 1000);
  const after = agents.flatMap((a) => a.runningTaskArns());
  const afterSet = new Set(after);
  const lost = [...before].filter((arn) => !afterSet.has(arn)).length;
  const added = after.filter((arn) => !before.has(arn)).length;
  const running = (await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0]?.runningTasksCount ?? 0;
  row(`kill -9 holding ${tasks} tasks, ${services} services, ${instances} agents: API answers after`, Number.isNaN(apiSeconds) ? "not within 600 s" : `${apiSeconds.toFixed(1)} s`);
  row("… every agent reattached (its manifest received again) after", Number.isNaN(reattachedSeconds) ? `not within 600 s: ${back} of ${instances}` : `${reattachedSeconds.toFixed(1)} s`);
  row(`… ${settleSeconds} s later: tasks stopped or restarted / new tasks / runningTasksCount`, `${lost} / ${added} (${after.length - afterSet.size} duplicates on agents) / ${running} of ${tasks}`);
}

async function main(): Promise<void> {
  const bench = await startBenchCluster({ instances, cpu: instanceSize.cpu, memory: instanceSize.memory, maxSockets: 32 });
  try {
    console.log(`## Control plane at scale (${machineLine()})`);
    await place(bench);
    const idleShare = parts.has("idle") || parts.has("describe") ? await idle(bench) : 0;
    if (parts.has("describe")) await describe(bench, idleShare);
    if (parts.has("rss")) row(`server RSS holding ${tasks} tasks`, `${rssMiB(bench.serverPid!).toFixed(0)} MiB`);
    if (parts.has("kill9")) await kill9(bench);
  } finally {
    await bench.stop();
  }
}

await main();
