/**
 * FARGATE RunTask → RUNNING against an EC2 bridge-mode task of the same image, interleaved in one
 * run (`npm run bench:fargate`): the awsvpc overhead (a pause container and its namespace on the
 * subnet's Docker network, the task's cgroup) at p50 and p95. `berth up` serves both: its EC2
 * agent and its managed-capacity agent on the same host.
 *
 * Each latency runs from just before RunTask to the task's `startedAt` (set by the agent when its
 * containers run; same clock), so no polling interval is included.
 */
import { readdirSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import Docker from "dockerode";
import { machineLine, quantile } from "./support/bench-cluster.js";
import { runTaskToRunning, startBerthUp } from "./support/berth-up.js";

const runs = Number(process.env.RUNS ?? 30);
const image = "berth-test:latest";
const subnet = "subnet-benchfargate";
const docker = new Docker();

async function main(): Promise<void> {
  const up = await startBerthUp(4491, {
    ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: "1s",
    BERTH_INTROSPECTION_PORT: "51692",
    BERTH_METADATA_PORT: "51693",
    // The pause container: the test image, waiting (the default pause image needs a registry).
    BERTH_PAUSE_IMAGE: image,
    BERTH_PAUSE_COMMAND: "sleep 2147483647",
  });
  const { ecs } = up;
  try {
    const container = { name: "app", image, command: ["sleep", "3600"], linuxParameters: { initProcessEnabled: true } };
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "bench-ec2", containerDefinitions: [{ ...container, memory: 32 }] }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({ family: "bench-fargate", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512", containerDefinitions: [container] }),
    );
    const ec2 = () => runTaskToRunning(ecs, { taskDefinition: "bench-ec2" });
    const fargate = () => runTaskToRunning(ecs, { taskDefinition: "bench-fargate", launchType: "FARGATE", networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } });
    // Warm both paths once (the managed agent may still be connecting: retried for a few seconds).
    await ec2();
    for (let i = 0; ; i++) {
      try {
        await fargate();
        break;
      } catch (err) {
        if (i >= 50) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const viaEc2: number[] = [];
    const viaFargate: number[] = [];
    for (let i = 0; i < runs; i++) {
      viaEc2.push(await ec2());
      viaFargate.push(await fargate());
    }
    const row = (name: string, xs: number[]) => `| ${name} | ${quantile(xs, 0.5).toFixed(0)} | ${quantile(xs, 0.95).toFixed(0)} | ${Math.min(...xs).toFixed(0)} |`;
    const added = viaFargate.map((f, i) => f - viaEc2[i]!);
    console.log(`FARGATE (awsvpc) vs EC2 (bridge) RunTask → RUNNING, ${runs} interleaved runs, ${machineLine()}`);
    console.log("| path | p50 ms | p95 ms | min ms |\n|---|---|---|---|");
    console.log(row("EC2, bridge", viaEc2));
    console.log(row("FARGATE, awsvpc", viaFargate));
    console.log(row("FARGATE − EC2 (paired)", added));
    console.log(`awsvpc overhead at p50: ${(quantile(viaFargate, 0.5) - quantile(viaEc2, 0.5)).toFixed(0)} ms (goal ≤ 100 ms)`);
  } finally {
    await up.stop();
    for (const family of ["bench-ec2", "bench-fargate"]) {
      const leftovers = await docker.listContainers({ all: true, filters: { label: [`com.amazonaws.ecs.task-definition-family=${family}`] } });
      await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    }
    const pauses = await docker.listContainers({ all: true, filters: { label: ["berth.pause-of"] } });
    await Promise.all(pauses.filter((c) => c.Names.some((n) => n.includes("bench-fargate"))).map((c) => docker.getContainer(c.Id).remove({ force: true })));
    await docker.getNetwork(`berth-${subnet}`).remove().catch(() => undefined);
    // Task cgroups left by tasks still running when the agent stopped.
    for (const controller of readdirSync("/sys/fs/cgroup")) {
      const dir = join("/sys/fs/cgroup", controller, "berth");
      let children: string[] = [];
      try {
        children = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
      } catch {
        continue;
      }
      for (const c of children) {
        try {
          rmdirSync(join(dir, c));
        } catch {
          // busy: another run's
        }
      }
      try {
        rmdirSync(dir);
      } catch {
        // not empty: another run's
      }
    }
  }
}

await main();
