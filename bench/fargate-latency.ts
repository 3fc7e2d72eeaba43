/**
 * FARGATE RunTask → RUNNING against an EC2 bridge-mode task of the same image, interleaved in one
 * run (`npm run bench:fargate`): the awsvpc overhead (a pause container and its namespace on the
 * subnet's Docker network, the task's cgroup) at p50 and p95. `berth up` serves both: its EC2
 * agent and its managed-capacity agent on the same host.
 *
 * Each latency runs from just before RunTask to the task's `startedAt` (set by the agent when its
 * containers run; same clock), so no polling interval is included.
 *
 * `BERTH_BEFORE=<another build's dist/src/cli/main.js>`: that build's `berth up` is measured in the
 * same run, its four tasks interleaved with this build's (each on its own subnet). A task that
 * stops before it runs is counted, reported and run again.
 */
import { readdirSync, rmdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import Docker from "dockerode";
import { freePort } from "../test/support/berth-cluster.js";
import { machineLine, quantile } from "./support/bench-cluster.js";
import { runTaskToRunning, startBerthUp, type BerthUp } from "./support/berth-up.js";

const runs = Number(process.env.RUNS ?? 30);
const image = "berth-test:latest";
const docker = new Docker();

interface Up {
  readonly label: string;
  readonly berth: BerthUp;
  readonly subnet: string;
  failures: number;
}

/** One `berth up` of the build at `bin` (this one when undefined), with its own data dir, free ports and subnet. */
async function up(label: string, bin: string | undefined, subnet: string): Promise<Up> {
  const [port, introspection, metadata] = [await freePort(), await freePort(), await freePort()];
  const berth = await startBerthUp(
    port,
    {
      ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: "1s",
      BERTH_INTROSPECTION_PORT: String(introspection),
      BERTH_METADATA_PORT: String(metadata),
      // The pause container: the test image, waiting (the default pause image needs a registry).
      BERTH_PAUSE_IMAGE: image,
      BERTH_PAUSE_COMMAND: "sleep 2147483647",
    },
    bin,
  );
  const container = { name: "app", image, command: ["sleep", "3600"], linuxParameters: { initProcessEnabled: true } };
  await berth.ecs.send(new RegisterTaskDefinitionCommand({ family: "bench-ec2", containerDefinitions: [{ ...container, memory: 32 }] }));
  await berth.ecs.send(
    new RegisterTaskDefinitionCommand({ family: "bench-fargate", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512", containerDefinitions: [container] }),
  );
  return { label, berth, subnet, failures: 0 };
}

const ec2 = (u: Up) => runTaskToRunning(u.berth.ecs, { taskDefinition: "bench-ec2" });
const fargate = (u: Up) =>
  runTaskToRunning(u.berth.ecs, { taskDefinition: "bench-fargate", launchType: "FARGATE", networkConfiguration: { awsvpcConfiguration: { subnets: [u.subnet] } } });

/** One measurement; a task that stopped before it ran (a bug of the build, not a latency) is counted and run again, up to 5 times. */
async function measured(u: Up, run: (u: Up) => Promise<number>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(u);
    } catch (err) {
      u.failures += 1;
      console.error(`${u.label}: ${String(err)}`);
      if (attempt >= 4) throw err;
    }
  }
}

async function main(): Promise<void> {
  const ups: Up[] = [];
  try {
    ups.push(await up("after", undefined, "subnet-benchfargate"));
    if (process.env.BERTH_BEFORE) ups.push(await up("before", process.env.BERTH_BEFORE, "subnet-benchfargateb"));
    for (const u of ups) {
      // Warm both paths once (the managed agent may still be connecting: retried for a few seconds).
      await ec2(u);
      for (let i = 0; ; i++) {
        try {
          await fargate(u);
          break;
        } catch (err) {
          if (i >= 50) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      u.failures = 0;
    }
    const figures = new Map(ups.map((u) => [u.label, { ec2: [] as number[], fargate: [] as number[] }]));
    for (let i = 0; i < runs; i++) {
      // Builds alternate which goes first, so that neither always runs right after the other's tasks.
      for (const u of i % 2 === 0 ? ups : [...ups].reverse()) {
        const f = figures.get(u.label)!;
        f.ec2.push(await measured(u, ec2));
        f.fargate.push(await measured(u, fargate));
      }
    }
    const row = (name: string, xs: number[]) => `| ${name} | ${quantile(xs, 0.5).toFixed(0)} | ${quantile(xs, 0.95).toFixed(0)} | ${Math.min(...xs).toFixed(0)} |`;
    console.log(`FARGATE (awsvpc) vs EC2 (bridge) RunTask → RUNNING, ${runs} interleaved runs, ${machineLine()}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    console.log("| build | path | p50 ms | p95 ms | min ms |\n|---|---|---|---|---|");
    for (const u of ups) {
      const f = figures.get(u.label)!;
      const added = f.fargate.map((x, i) => x - f.ec2[i]!);
      console.log(`| ${u.label} ${row("EC2, bridge", f.ec2)}`);
      console.log(`| ${u.label} ${row("FARGATE, awsvpc", f.fargate)}`);
      console.log(`| ${u.label} ${row("FARGATE − EC2 (paired)", added)}`);
    }
    for (const u of ups) {
      const f = figures.get(u.label)!;
      console.log(`${u.label}: awsvpc overhead at p50: ${(quantile(f.fargate, 0.5) - quantile(f.ec2, 0.5)).toFixed(0)} ms (goal ≤ 100 ms); tasks stopped before running: ${u.failures}`);
    }
  } finally {
    await Promise.all(ups.map((u) => u.berth.stop()));
    await cleanUp(ups);
  }
}

/** Removes what the runs left: containers of the two families, their pause containers, the subnets' networks, task cgroups. */
async function cleanUp(ups: readonly Up[]): Promise<void> {
  for (const family of ["bench-ec2", "bench-fargate"]) {
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`com.amazonaws.ecs.task-definition-family=${family}`] } });
    await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  const pauses = await docker.listContainers({ all: true, filters: { label: ["berth.pause-of"] } });
  await Promise.all(pauses.filter((c) => c.Names.some((n) => n.includes("bench-fargate"))).map((c) => docker.getContainer(c.Id).remove({ force: true })));
  // Pause containers started ahead (claimed or not) carry no berth.pause-of label: found on the subnets' networks.
  for (const u of ups) {
    const onNetwork = await docker.listContainers({ all: true, filters: { network: [`berth-${u.subnet}`] } });
    await Promise.all(onNetwork.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  for (const u of ups) await docker.getNetwork(`berth-${u.subnet}`).remove().catch(() => undefined);
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

await main();
