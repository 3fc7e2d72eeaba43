/**
 * RunTask → RUNNING on real Docker, against raw Docker create+start of the same container in the
 * same run (interleaved, so both see the same machine). `npm run bench:run-task`.
 *
 * Berth's latency is measured from just before the RunTask call to the task's `startedAt` (set by
 * the agent when its container is running; same clock), so no polling interval is included.
 * Raw Docker's is create + start + the first inspect that says Running, through the Engine API.
 */
import { RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import Docker from "dockerode";
import { machineLine, quantile } from "./support/bench-cluster.js";
import { freePort } from "../test/support/berth-cluster.js";
import { runTaskToRunning, startBerthUp } from "./support/berth-up.js";

const runs = Number(process.env.RUNS ?? 30);
const image = "berth-test:latest";
const docker = new Docker();

async function rawDocker(): Promise<number> {
  const t0 = performance.now();
  const c = await docker.createContainer({ Image: image, Cmd: ["sleep", "3600"], HostConfig: { Memory: 32 * 2 ** 20, Init: true }, Labels: { "berth.bench": "raw" } });
  await c.start();
  while (!(await c.inspect()).State.Running) await new Promise((r) => setTimeout(r, 1));
  const ms = performance.now() - t0;
  await c.remove({ force: true });
  return ms;
}

async function main(): Promise<void> {
  const [port, introspection, metadata] = [await freePort(), await freePort(), await freePort()];
  const up = await startBerthUp(port, { ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: "1s", BERTH_INTROSPECTION_PORT: String(introspection), BERTH_METADATA_PORT: String(metadata) });
  const { ecs } = up;
  const berth = () => runTaskToRunning(ecs, { taskDefinition: "bench-latency" });
  try {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "bench-latency",
        containerDefinitions: [{ name: "app", image, command: ["sleep", "3600"], memory: 32, linuxParameters: { initProcessEnabled: true } }],
      }),
    );
    await rawDocker(); // warm both paths once
    await berth();
    const raw: number[] = [];
    const viaBerth: number[] = [];
    for (let i = 0; i < runs; i++) {
      raw.push(await rawDocker());
      viaBerth.push(await berth());
    }
    const row = (name: string, xs: number[]) => `| ${name} | ${quantile(xs, 0.5).toFixed(0)} | ${quantile(xs, 0.99).toFixed(0)} | ${Math.min(...xs).toFixed(0)} |`;
    const added = viaBerth.map((b, i) => b - raw[i]!);
    console.log(`RunTask → RUNNING vs raw Docker, ${runs} interleaved runs, ${machineLine()}`);
    console.log("| path | p50 ms | p99 ms | min ms |\n|---|---|---|---|");
    console.log(row("raw Docker Engine API create+start", raw));
    console.log(row("Berth RunTask → startedAt", viaBerth));
    console.log(row("Berth − raw (paired)", added));
  } finally {
    await up.stop();
    const leftovers = await docker.listContainers({ all: true, filters: { label: ["com.amazonaws.ecs.task-definition-family=bench-latency"] } });
    await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
}

await main();
