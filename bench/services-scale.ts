/**
 * Services at scale on SIMULATED instances (real server and protocol, no containers):
 * 1. one service from 0 to TASKS tasks RUNNING (target ≤ 5 s for 5,000);
 * 2. a rolling deployment of those tasks to a new revision at 100/200 (target ≤ 20 s).
 * `npm run bench:services`; STORE=postgres and REPLICAS (bench-cluster.ts) choose the store; INSTANCES (5,000 of 8,192 CPU units and 32,768 MiB), TASKS (5,000) and
 * HEALTHY_AFTER size it. HEALTHY_AFTER is a comma-separated list of the server's --task-healthy-after,
 * one server per value: by default "40s,0s", ECS's rule (a RUNNING task without health checks is
 * healthy after 40 s, so a deployment's floor is 40 s) and then none.
 * runningCount is the service's tasks whose last status, as the agents reported it, is RUNNING.
 */
import { CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, type Service } from "@aws-sdk/client-ecs";
import { instanceSize, machineLine, startBenchCluster } from "./support/bench-cluster.js";
import { loadAverage } from "./support/measure.js";

const instances = Number(process.env.INSTANCES ?? 5000);
const tasks = Number(process.env.TASKS ?? 5000);
const healthyAfterList = (process.env.HEALTHY_AFTER ?? "40s,0s").split(",").map((s) => s.trim()).filter(Boolean);

async function run(healthyAfter: string): Promise<void> {
  const bench = await startBenchCluster({ instances, cpu: instanceSize.cpu, memory: instanceSize.memory, maxSockets: 16, serverArgs: ["--task-healthy-after", healthyAfter] });
  const { ecs, name: cluster } = bench;
  try {
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

    const load0 = loadAverage();
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

    console.log(`## Services, ${bench.storeLine}, --task-healthy-after ${healthyAfter} (${machineLine()}; load average before ${load0}, after ${loadAverage()})`);
    console.log(`${instances} simulated instances of ${instanceSize.cpu} CPU units and ${instanceSize.memory} MiB in 3 AZs, one REPLICA service of ${tasks} tasks (32 CPU units, 128 MiB), --task-healthy-after ${healthyAfter}`);
    console.log("| figure | value |\n|---|---|");
    console.log(`| 0 → ${tasks} RUNNING as reported by the agents (CreateService until runningCount = ${tasks}) | ${firstRunning.seconds.toFixed(1)} s |`);
    console.log(`| … until the deployment is COMPLETED | ${createSeconds.toFixed(1)} s |`);
    console.log(`| rolling deployment of ${tasks} at 100/200 (UpdateService until one COMPLETED deployment on the new revision) | ${rollSeconds.toFixed(1)} s |`);
    console.log(`| most tasks alive during the deployment (DescribeServices, every 100 ms) | ${maxAlive} (maximum ${2 * tasks}) |`);
  } finally {
    await bench.stop();
  }
}

for (const healthyAfter of healthyAfterList) await run(healthyAfter);
