/**
 * Placement end to end: RunTask through the API (SigV4, validation, placement, durable commit)
 * onto SIMULATED instances (the real agent protocol, no containers), until every task is RUNNING.
 * `npm run bench:placement-e2e`; INSTANCES, TASKS and CONCURRENCY size it.
 *
 * Groups of 1,000 tasks (families) as in the engine benchmark, each RunTask placing 10 with
 * spread(attribute:ecs.availability-zone) then binpack(memory); a third of the families also
 * use distinctInstance.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { CreateClusterCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { pino } from "pino";
import { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { parseCredentialsFile } from "../src/api/sigv4/credentials-file.js";

const instances = Number(process.env.INSTANCES ?? 1000);
const tasks = Number(process.env.TASKS ?? 100_000);
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const perCall = 10;
const groupSize = 1000;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-e2e-"));
  const port = 4491;
  // SERVER_NODE_ARGS="--cpu-prof" profiles the server.
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, join(import.meta.dirname, "../src/cli/main.js"), "server", "--port", String(port), "--data-dir", dataDir, "--log-level", "error"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const agents: SimulatedAgent[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.on("data", (c: Buffer) => c.toString().includes("berth server") && resolve());
      server.once("exit", (code) => reject(new Error(`berth server exited with ${code}`)));
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const credentials = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
    const ecs = new ECSClient({
      endpoint,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: concurrency } }),
    });
    const cluster = "bench";
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));

    const t0 = performance.now();
    const logger = pino({ level: "silent" });
    const zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    for (let i = 0; i < instances; i += 50) {
      const batch = Array.from({ length: Math.min(50, instances - i) }, (_, j) => {
        const agent = new SimulatedAgent({
          endpoint,
          region: "us-east-1",
          credentials,
          cluster,
          cpu: 1_000_000,
          memory: 8_000_000,
          attributes: [{ name: "ecs.availability-zone", value: zones[(i + j) % 3] }],
          logger,
          ecs,
        });
        agents.push(agent);
        return agent.start();
      });
      await Promise.all(batch);
    }
    const registerSeconds = (performance.now() - t0) / 1000;

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

    const cpu = cpus();
    console.log(`## Placement end to end (${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model ?? "?"}, Node ${process.version})`);
    console.log(`${instances} simulated instances in 3 AZs (registered and connected in ${registerSeconds.toFixed(1)} s), ${tasks} tasks as RunTask(count=${perCall}) × ${calls}, ${concurrency} concurrent clients on the same machine`);
    console.log("| figure | value |\n|---|---|");
    console.log(`| tasks placed (durably committed) | ${placed} (${failed} not placed) |`);
    console.log(`| placement throughput | ${(placed / placedSeconds).toFixed(0)} tasks/s (${placedSeconds.toFixed(1)} s) |`);
    console.log(`| RunTask latency p50 / p99 | ${quantile(latencies, 0.5).toFixed(1)} / ${quantile(latencies, 0.99).toFixed(1)} ms |`);
    console.log(`| all RUNNING after | ${allSeconds.toFixed(1)} s (${(placed / allSeconds).toFixed(0)} tasks/s) |`);
    ecs.destroy();
  } finally {
    agents.forEach((a) => a.stop());
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
