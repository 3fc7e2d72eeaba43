/**
 * Placement end to end: RunTask through the API (SigV4, validation, placement, durable commit)
 * onto SIMULATED instances (the real agent protocol, no containers), until every task is RUNNING.
 * `npm run bench:placement-e2e`; INSTANCES, TASKS and CONCURRENCY size it.
 *
 * Groups of 1,000 tasks (families) as in the engine benchmark, each RunTask placing 10 with
 * spread(attribute:ecs.availability-zone) then binpack(memory); a third of the families also
 * use distinctInstance.
 */
import { ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { machineLine, quantile, startBenchCluster } from "./support/bench-cluster.js";

const instances = Number(process.env.INSTANCES ?? 1000);
const tasks = Number(process.env.TASKS ?? 100_000);
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const perCall = 10;
const groupSize = 1000;

async function main(): Promise<void> {
  const bench = await startBenchCluster({ port: 4491, instances, cpu: 1_000_000, memory: 8_000_000, maxSockets: concurrency });
  const { ecs, name: cluster } = bench;
  try {
    const families = Math.ceil(tasks / groupSize);
    for (let f = 0; f < families; f++) {
      await ecs.send(new RegisterTaskDefinitionCommand({ family: `svc${f}`, containerDefinitions: [{ name: "app", image: "berth-test", cpu: 2, memory: 8 }] }));
    }

    const latencies: number[] = [];
    let placed = 0;
    let failed = 0;
    let next = 0;
    const calls = Math.ceil(tasks / perCall);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
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
              placementConstraints: family % 3 === 0 ? [{ type: "distinctInstance" }] : [],
            }),
          );
          latencies.push(performance.now() - c0);
          placed += out.tasks?.length ?? 0;
          failed += perCall - (out.tasks?.length ?? 0);
        }
      }),
    );
    const placedSeconds = (performance.now() - start) / 1000;

    // RUNNING means the (simulated) agents acknowledged and reported every task.
    let running = 0;
    for (;;) {
      running = 0;
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(new ListTasksCommand({ cluster, nextToken, maxResults: 100 }));
        running += page.taskArns?.length ?? 0;
        nextToken = page.nextToken;
      } while (nextToken && running < placed);
      if (running >= placed) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const allSeconds = (performance.now() - start) / 1000;

    console.log(`## Placement end to end (${machineLine()})`);
    console.log(`${instances} simulated instances in 3 AZs (registered and connected in ${bench.registerSeconds.toFixed(1)} s), ${tasks} tasks as RunTask(count=${perCall}) × ${calls}, ${concurrency} concurrent clients on the same machine`);
    console.log("| figure | value |\n|---|---|");
    console.log(`| tasks placed (durably committed) | ${placed} (${failed} not placed) |`);
    console.log(`| placement throughput | ${(placed / placedSeconds).toFixed(0)} tasks/s (${placedSeconds.toFixed(1)} s) |`);
    console.log(`| RunTask latency p50 / p99 | ${quantile(latencies, 0.5).toFixed(1)} / ${quantile(latencies, 0.99).toFixed(1)} ms |`);
    console.log(`| all RUNNING after | ${allSeconds.toFixed(1)} s (${(placed / allSeconds).toFixed(0)} tasks/s) |`);
  } finally {
    await bench.stop();
  }
}

await main();
