/**
 * Scheduled rules through a real server (issue 14, acceptance 5), on SIMULATED instances (real server
 * and agent protocol, no containers). `npm run bench:schedules-e2e`; RULES (10,000) and INSTANCES (100)
 * size it.
 * 1. The server's CPU with the instances connected and no rule, over IDLE_SECONDS (20).
 * 2. RULES rules made with the AWS SDK (PutRule + PutTargets, 32 at a time), each `cron(M H * * ? *)`
 *    for the same minute a few minutes ahead, one ECS target of TaskCount 1.
 * 3. The server's CPU over IDLE_SECONDS with every rule idle (not due): its difference with 1 is the
 *    overhead of idle rules (acceptance: ≤ 1 % of a core).
 * 4. At the minute: how long until every rule's task exists (DescribeClusters' pending + running
 *    counts) and until all are RUNNING (acceptance: within the minute).
 */
import { readFileSync } from "node:fs";
import { DescribeClustersCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { machineLine, startBenchCluster } from "./support/bench-cluster.js";

const rules = Number(process.env.RULES ?? 10_000);
const instances = Number(process.env.INSTANCES ?? 100);
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 20);

/** CPU seconds (user + system) the process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function cpuShare(pid: number, seconds: number): Promise<number> {
  const before = cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return (cpuSeconds(pid) - before) / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const bench = await startBenchCluster({ instances, cpu: 16_384, memory: 65_536, maxSockets: 32 });
  const { ecs, name: cluster, serverPid } = bench;
  if (serverPid === undefined) throw new Error("no server process");
  const events = new EventBridgeClient({ endpoint: bench.endpoint, region: "us-east-1", credentials: bench.credentials, maxAttempts: 3, requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 32 } }) });
  try {
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({ family: "job", containerDefinitions: [{ name: "job", image: "job:1", memory: 32 }] }));
    const clusterArn = `arn:aws:ecs:us-east-1:${taskDefinition?.taskDefinitionArn?.split(":")[4] ?? ""}:cluster/${cluster}`;
    const baseline = await cpuShare(serverPid, idleSeconds);

    // The minute all rules fall due: far enough ahead to make them and measure them idle.
    const dueMs = Math.ceil((Date.now() + Number(process.env.LEAD_SECONDS ?? 150) * 1000 + rules * 10) / 60_000) * 60_000;
    const due = new Date(dueMs);
    const expression = `cron(${due.getUTCMinutes()} ${due.getUTCHours()} * * ? *)`;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < rules; i = next++) {
          await events.send(new PutRuleCommand({ Name: `job-${i}`, ScheduleExpression: expression }));
          await events.send(new PutTargetsCommand({ Rule: `job-${i}`, Targets: [{ Id: "job", Arn: clusterArn, EcsParameters: { TaskDefinitionArn: taskDefinition?.taskDefinitionArn, TaskCount: 1 } }] }));
        }
      }),
    );
    const createSeconds = (performance.now() - t0) / 1000;
    if (Date.now() + idleSeconds * 1000 + 5000 > dueMs) throw new Error("making the rules took too long to measure them idle before their minute");
    const idle = await cpuShare(serverPid, idleSeconds);

    await new Promise((r) => setTimeout(r, Math.max(0, dueMs - Date.now())));
    let allCreated: number | undefined;
    let allRunning: number | undefined;
    while (allRunning === undefined && Date.now() - dueMs < 180_000) {
      // A keep-alive socket the server closed while the bench waited can reset once: ask again.
      const c = await ecs.send(new DescribeClustersCommand({ clusters: [cluster] })).then((r) => r.clusters?.[0], () => undefined);
      const running = c?.runningTasksCount ?? 0;
      const pending = c?.pendingTasksCount ?? 0;
      if (allCreated === undefined && running + pending >= rules) allCreated = (Date.now() - dueMs) / 1000;
      if (running >= rules) allRunning = (Date.now() - dueMs) / 1000;
      await new Promise((r) => setTimeout(r, 250));
    }

    console.log(`## Scheduled rules through the server (${machineLine()})`);
    console.log(`${rules} rules \`${expression}\` (one ECS target, TaskCount 1) on ${instances} simulated instances; the server's --schedule-tick 1 s`);
    console.log("| figure | value |\n|---|---|");
    console.log(`| making the rules (PutRule + PutTargets, SDK, 32 at a time) | ${createSeconds.toFixed(1)} s (${((2 * rules) / createSeconds).toFixed(0)} calls/s) |`);
    console.log(`| every rule's task created (pending + running = ${rules}), after the due minute began | ${allCreated?.toFixed(1) ?? "not within 180"} s |`);
    console.log(`| every task RUNNING, after the due minute began | ${allRunning?.toFixed(1) ?? "not within 180"} s |`);
    console.log(`| server CPU, ${instances} instances, no rule (${idleSeconds} s) | ${(baseline * 100).toFixed(2)} % of a core |`);
    console.log(`| server CPU, ${instances} instances, ${rules} idle rules (${idleSeconds} s) | ${(idle * 100).toFixed(2)} % of a core |`);
    console.log(`| overhead of ${rules} idle rules | ${((idle - baseline) * 100).toFixed(2)} % of a core |`);
  } finally {
    events.destroy();
    await bench.stop();
  }
}

await main();
