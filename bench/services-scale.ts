/**
 * Services at scale on SIMULATED instances (real server and protocol, no containers):
 * 1. one service from 0 to TASKS tasks RUNNING (target ≤ 5 s for 5,000);
 * 2. a rolling deployment of those tasks to a new revision at 100/200 (target ≤ 20 s).
 * `npm run bench:services`; INSTANCES, TASKS and HEALTHY_AFTER (the server's --task-healthy-after,
 * 0s by default here: with ECS's 40 s rule a deployment's floor would simply be 40 s) size it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand, type Service } from "@aws-sdk/client-ecs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { pino } from "pino";
import { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { parseCredentialsFile } from "../src/api/sigv4/credentials-file.js";

const instances = Number(process.env.INSTANCES ?? 500);
const tasks = Number(process.env.TASKS ?? 5000);
const healthyAfter = process.env.HEALTHY_AFTER ?? "0s";

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-services-"));
  const port = 4492;
  const server = spawn(
    process.execPath,
    [join(import.meta.dirname, "../src/cli/main.js"), "server", "--port", String(port), "--data-dir", dataDir, "--log-level", "error", "--task-healthy-after", healthyAfter],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const agents: SimulatedAgent[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.on("data", (c: Buffer) => c.toString().includes("berth server") && resolve());
      server.once("exit", (code) => reject(new Error(`berth server exited with ${code}`)));
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const credentials = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
    const ecs = new ECSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 16 } }) });
    const cluster = "bench";
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const logger = pino({ level: "silent" });
    const zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    for (let i = 0; i < instances; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, instances - i) }, (_, j) => {
          const agent = new SimulatedAgent({ endpoint, region: "us-east-1", credentials, cluster, cpu: 16_384, memory: 65_536, attributes: [{ name: "ecs.availability-zone", value: zones[(i + j) % 3] }], logger, ecs });
          agents.push(agent);
          return agent.start();
        }),
      );
    }
    for (const image of ["app:v1", "app:v2"]) {
      await ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "app", image, cpu: 32, memory: 128 }] }));
    }
    const describe = async (): Promise<Service> => (await ecs.send(new DescribeServicesCommand({ cluster, services: ["app"] }))).services![0]!;
    const waitFor = async (ok: (s: Service) => boolean): Promise<{ seconds: number; polls: number }> => {
      const t0 = performance.now();
      let polls = 0;
      for (;;) {
        polls++;
        if (ok(await describe())) return { seconds: (performance.now() - t0) / 1000, polls };
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const completedWith = (td: string) => (s: Service) =>
      s.deployments?.length === 1 && s.deployments[0]?.rolloutState === "COMPLETED" && s.runningCount === tasks && (s.taskDefinition ?? "").endsWith(td);

    const t0 = performance.now();
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: "app", taskDefinition: "app:1", desiredCount: tasks }));
    const firstRunning = await waitFor((s) => s.runningCount === tasks);
    const scaleUp = await waitFor(completedWith("app:1"));
    const createSeconds = (performance.now() - t0) / 1000;

    let maxAlive = 0;
    const t1 = performance.now();
    await ecs.send(new UpdateServiceCommand({ cluster, service: "app", taskDefinition: "app:2" }));
    const rolled = await waitFor((s) => {
      const alive = (s.deployments ?? []).reduce((n, d) => n + (d.runningCount ?? 0) + (d.pendingCount ?? 0), 0);
      maxAlive = Math.max(maxAlive, alive);
      return completedWith("app:2")(s);
    });
    const rollSeconds = (performance.now() - t1) / 1000;
    void scaleUp;
    void rolled;

    const cpu = cpus();
    console.log(`## Services (${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model ?? "?"}, Node ${process.version})`);
    console.log(`${instances} simulated instances in 3 AZs, one REPLICA service of ${tasks} tasks (32 CPU units, 128 MiB), --task-healthy-after ${healthyAfter}`);
    console.log("| figure | value |\n|---|---|");
    console.log(`| 0 → ${tasks} RUNNING (CreateService until runningCount = ${tasks}) | ${firstRunning.seconds.toFixed(1)} s |`);
    console.log(`| … until the deployment is COMPLETED | ${createSeconds.toFixed(1)} s |`);
    console.log(`| rolling deployment of ${tasks} at 100/200 (UpdateService until one COMPLETED deployment on the new revision) | ${rollSeconds.toFixed(1)} s |`);
    console.log(`| most tasks alive during the deployment (DescribeServices, every 100 ms) | ${maxAlive} (maximum ${2 * tasks}) |`);
    ecs.destroy();
  } finally {
    agents.forEach((a) => a.stop());
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
