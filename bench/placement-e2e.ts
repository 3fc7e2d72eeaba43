/**
 * Placement end to end: RunTask through the API (SigV4, validation, placement, durable commit)
 * onto SIMULATED instances (the real agent protocol, no containers), until the agents have
 * reported every placed task RUNNING (DescribeClusters' runningTasksCount: tasks whose last
 * status is RUNNING, which only an agent's report sets).
 * `npm run bench:placement-e2e`; STORE=postgres and REPLICAS (bench-cluster.ts) choose the store; INSTANCES (5,000), TASKS (100,000), CONCURRENCY (32 clients) size
 * it; INSTANCE_CPU and INSTANCE_MEMORY (8,192 units and 32,768 MiB, an m5.2xlarge) and FILL (0.78)
 * set the instances and the task size: tasks are sized so that TASKS of them fill FILL of the fleet.
 *
 * This is the issue's "RunTask count 10, 32 clients, 5,000 instances" figure (calls/s, p99) and,
 * with TASKS=1000000, its million-task figure through RunTask. Groups of 1,000 tasks (families),
 * each RunTask placing 10 with spread(attribute:ecs.availability-zone) then binpack(memory); a
 * third of the families also use distinctInstance (only when a group fits on distinct instances).
 */
import { RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { instanceSize, machineLine, quantile, startBenchCluster } from "./support/bench-cluster.js";
import { cpuSeconds, fill, loadAverage, taskSizeFor, untilRunning } from "./support/measure.js";

const instances = Number(process.env.INSTANCES ?? 5000);
const tasks = Number(process.env.TASKS ?? 100_000);
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const instanceCpu = Number(process.env.INSTANCE_CPU ?? instanceSize.cpu);
const instanceMemory = Number(process.env.INSTANCE_MEMORY ?? instanceSize.memory);
const target = Number(process.env.FILL ?? 0.78);
const perCall = 10;
const groupSize = 1000;

async function main(): Promise<void> {
  const size = taskSizeFor({ instances, instanceCpu, instanceMemory, tasks, target });
  const bench = await startBenchCluster({ instances, cpu: instanceCpu, memory: instanceMemory, maxSockets: concurrency });
  const { ecs, name: cluster } = bench;
  try {
    const families = Math.ceil(tasks / groupSize);
    for (let f = 0; f < families; f++) {
      await ecs.send(new RegisterTaskDefinitionCommand({ family: `svc${f}`, containerDefinitions: [{ name: "app", image: "berth-test", cpu: size.cpu, memory: size.memory }] }));
    }
    const distinct = groupSize <= instances;

    const latencies: number[] = [];
    let placed = 0;
    let failed = 0;
    let next = 0;
    const calls = Math.ceil(tasks / perCall);
    const load0 = loadAverage();
    // The servers' own CPU time per task placed and reported RUNNING: what a shared machine's load moves least.
    const serverCpu = () => bench.serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const cpu0 = serverCpu();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        // With replicas, each client calls one of them in turn.
        const ecs = bench.clients[worker % bench.clients.length]!;
        for (let call = next++; call < calls; call = next++) {
          const family = Math.floor((call * perCall) / groupSize);
          const c0 = performance.now();
          const out = await ecs.send(
            new RunTaskCommand({
              cluster,
              taskDefinition: `svc${family}`,
              count: perCall,
              placementStrategy: [
                { type: "spread", field: "attribute:ecs.availability-zone" },
                { type: "binpack", field: "memory" },
              ],
              placementConstraints: distinct && family % 3 === 0 ? [{ type: "distinctInstance" }] : [],
            }),
          );
          latencies.push(performance.now() - c0);
          placed += out.tasks?.length ?? 0;
          failed += perCall - (out.tasks?.length ?? 0);
        }
      }),
    );
    const placedSeconds = (performance.now() - start) / 1000;
    const placingCpu = serverCpu() - cpu0;
    await untilRunning(ecs, cluster, placed);
    const allSeconds = (performance.now() - start) / 1000;
    const allCpu = serverCpu() - cpu0;
    const used = fill({ instances, instanceCpu, instanceMemory, tasks: placed, taskCpu: size.cpu, taskMemory: size.memory });
    const holding = bench.agents.filter((a) => a.runningTaskArns().length > 0).length;

    console.log(`## Placement end to end, ${bench.storeLine} (${machineLine()}; load average before ${load0}, after ${loadAverage()})`);
    console.log(
      `${instances} simulated instances of ${instanceCpu} CPU units and ${instanceMemory} MiB in 3 AZs (registered and connected in ${bench.registerSeconds.toFixed(1)} s); ` +
        `${tasks} tasks of ${size.cpu} CPU units and ${size.memory} MiB as RunTask(count=${perCall}) × ${calls}, ${concurrency} concurrent clients on the same machine` +
        (distinct ? "" : "; no distinctInstance families (a group of 1,000 does not fit on distinct instances)"),
    );
    console.log("| figure | value |\n|---|---|");
    console.log(`| tasks placed (durably committed, RunTask answered) | ${placed} (${failed} not placed) |`);
    console.log(`| RunTask calls/s, tasks placed/s | ${(calls / placedSeconds).toFixed(0)} calls/s, ${(placed / placedSeconds).toFixed(0)} tasks/s (${placedSeconds.toFixed(1)} s) |`);
    console.log(`| RunTask latency p50 / p99 | ${quantile(latencies, 0.5).toFixed(1)} / ${quantile(latencies, 0.99).toFixed(1)} ms |`);
    console.log(`| all placed tasks RUNNING as reported by the agents (DescribeClusters runningTasksCount) after | ${allSeconds.toFixed(1)} s (${(placed / allSeconds).toFixed(0)} tasks/s) |`);
    console.log(`| server CPU per task: while RunTask placed them / until all RUNNING | ${((1e6 * placingCpu) / placed).toFixed(0)} / ${((1e6 * allCpu) / placed).toFixed(0)} µs (${placingCpu.toFixed(1)} / ${allCpu.toFixed(1)} CPU s) |`);
    console.log(`| fleet filled | CPU ${(100 * used.cpu).toFixed(0)} %, memory ${(100 * used.memory).toFixed(0)} %; ${holding} of ${instances} instances run tasks |`);
  } finally {
    await bench.stop();
  }
}

await main();
