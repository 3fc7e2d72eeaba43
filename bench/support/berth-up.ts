/**
 * What the task-latency benchmarks share: `berth up` (server and a real agent on this host) in a
 * process of its own with its own data dir, an SDK client with its root key, and RunTask → RUNNING
 * timed without any polling interval in it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand, type RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { parseCredentialsFile } from "../../src/auth/credentials-file.js";

export interface BerthUp {
  readonly ecs: ECSClient;
  /** Stops `berth up` (SIGTERM, waits for its exit) and removes its data dir. */
  stop(): Promise<void>;
}

/**
 * Starts `berth up` of the build at `bin` (this one by default) on `port` (log level warn, or
 * LOG_LEVEL) with `env` added to this process's environment; resolves once it says it is up.
 */
export async function startBerthUp(port: number, env: Readonly<Record<string, string>>, bin = join(import.meta.dirname, "../../src/cli/main.js")): Promise<BerthUp> {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-"));
  const child = spawn(process.execPath, [bin, "up", "--port", String(port), "--data-dir", dataDir, "--log-level", process.env.LOG_LEVEL ?? "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => c.toString().includes("Berth is up") && resolve());
      child.once("exit", (code) => reject(new Error(`berth up exited with ${code}`)));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const key = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
  const ecs = new ECSClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: key });
  return {
    ecs,
    stop: async () => {
      ecs.destroy();
      await stop();
    },
  };
}

/**
 * Milliseconds from just before RunTask to the task's `startedAt` (set by the agent when its
 * containers run; same clock), so no polling interval is included. The task is stopped once seen
 * started; a task that stops first, or RunTask placing nothing, throws.
 */
export async function runTaskToRunning(ecs: ECSClient, input: RunTaskCommandInput): Promise<number> {
  const t0 = Date.now();
  const run = await ecs.send(new RunTaskCommand(input));
  const arn = run.tasks?.[0]?.taskArn ?? "";
  if (!arn) throw new Error(`RunTask placed nothing: ${JSON.stringify(run.failures)}`);
  for (;;) {
    const task = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks?.[0];
    if (task?.lastStatus === "STOPPED") throw new Error(`task stopped: ${task.stoppedReason ?? ""}`);
    if (task?.startedAt) {
      await ecs.send(new StopTaskCommand({ task: arn }));
      return task.startedAt.getTime() - t0;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}
