/**
 * A silent agent (issue 18): INSTANCES (500) simulated instances plus one in a process of its own,
 * a server with --agent-lost-after 3s, a service of TASKS (5,000) spread over them, and load for
 * DURATION_SECONDS (600): CONCURRENCY clients running and stopping standalone tasks (RunTask count
 * 10, then StopTask of each) without pause. Then, with the load still on, the agent of its own
 * process is frozen (SIGSTOP: its connection stays open, nothing is sent or read) and the benchmark
 * measures how long until the server marks it disconnected (DescribeContainerInstances
 * agentConnected, polled every 50 ms) and until every service task it ran is replaced by one
 * RUNNING elsewhere (the service's runningCount, as the agents reported, back at TASKS with none on
 * the frozen instance).
 * False loss: any of the other agents dropped by the server during the run (each reconnect gets a
 * new manifest) and any service task stopped that the benchmark did not stop.
 * `npm run bench:silent-agent`; small: INSTANCES=50 TASKS=500 DURATION_SECONDS=20
 */
import { DescribeContainerInstancesCommand, DescribeServicesCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, CreateServiceCommand } from "@aws-sdk/client-ecs";
import { SimulatedAgentProcess } from "../test/support/simulated-agent-process.js";
import { instanceSize, machineLine, startBenchCluster } from "./support/bench-cluster.js";
import { loadAverage, sleep, untilRunning } from "./support/measure.js";

const instances = Number(process.env.INSTANCES ?? 500);
const tasks = Number(process.env.TASKS ?? 5000);
const durationSeconds = Number(process.env.DURATION_SECONDS ?? 600);
const concurrency = Number(process.env.CONCURRENCY ?? 8);

async function main(): Promise<void> {
  const bench = await startBenchCluster({ instances, cpu: instanceSize.cpu, memory: instanceSize.memory, maxSockets: concurrency + 4, serverArgs: ["--agent-lost-after", "3s"] });
  const { ecs, name: cluster, agents } = bench;
  const frozen = await SimulatedAgentProcess.start(bench, cluster, { cpu: instanceSize.cpu, memory: instanceSize.memory });
  try {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "app", image: "app:v1", cpu: 32, memory: 128 }] }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "batch", containerDefinitions: [{ name: "job", image: "job:v1", cpu: 16, memory: 64 }] }));
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: "app", taskDefinition: "app:1", desiredCount: tasks, placementStrategy: [{ type: "spread", field: "instanceId" }] }));
    await untilRunning(ecs, cluster, tasks);
    const serviceTasks = async (o: { containerInstance?: string } = {}) => {
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(new ListTasksCommand({ cluster, serviceName: "app", desiredStatus: "RUNNING", nextToken, ...o }));
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return arns;
    };
    const before = new Set(await serviceTasks());
    const onFrozen = await serviceTasks({ containerInstance: frozen.containerInstanceArn });
    const manifests = agents.map((a) => a.manifests);

    let stopping = false;
    let ran = 0;
    const load0 = loadAverage();
    const churn = Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!stopping) {
          const out = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: "batch", count: 10 }));
          ran += out.tasks?.length ?? 0;
          for (const t of out.tasks ?? []) await ecs.send(new StopTaskCommand({ cluster, task: t.taskArn }));
        }
      }),
    );
    await sleep(durationSeconds * 1000);
    const loadDuring = loadAverage();

    const t0 = performance.now();
    frozen.signal("SIGSTOP");
    for (;;) {
      const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [frozen.containerInstanceArn] }));
      if (out.containerInstances?.[0]?.agentConnected === false) break;
      await sleep(50);
    }
    const noticed = (performance.now() - t0) / 1000;
    for (;;) {
      const s = (await ecs.send(new DescribeServicesCommand({ cluster, services: ["app"] }))).services?.[0];
      if (s?.runningCount === tasks && (await serviceTasks({ containerInstance: frozen.containerInstanceArn })).length === 0) break;
      await sleep(50);
    }
    const replaced = (performance.now() - t0) / 1000;
    stopping = true;
    await churn;

    const dropped = agents.filter((a, i) => a.manifests !== manifests[i]).length;
    const after = new Set(await serviceTasks());
    const lostWrongly = [...before].filter((arn) => !after.has(arn) && !onFrozen.includes(arn)).length;
    console.log(`## Silent agent (${machineLine()}; load average before ${load0}, during ${loadDuring}, after ${loadAverage()})`);
    console.log(`${instances} simulated instances + 1 in its own process, --agent-lost-after 3s, a service of ${tasks} tasks spread over instances (${onFrozen.length} on the one frozen), ${durationSeconds} s of ${concurrency} clients running and stopping standalone tasks (${ran} run)`);
    console.log("| figure | value |\n|---|---|");
    console.log(`| frozen agent (SIGSTOP) marked disconnected after | ${noticed.toFixed(2)} s |`);
    console.log(`| … its ${onFrozen.length} service tasks RUNNING elsewhere (runningCount = ${tasks}, none on it) after | ${replaced.toFixed(2)} s |`);
    console.log(`| false loss over the run: other agents dropped / service tasks stopped that were not on the frozen agent | ${dropped} / ${lostWrongly} |`);
  } finally {
    await frozen.stop();
    await bench.stop();
  }
}

await main();
