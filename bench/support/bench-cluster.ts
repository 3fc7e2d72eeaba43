/**
 * What the scale benchmarks share: a real `berth server` process with its own data dir, an AWS SDK
 * client with a keep-alive pool, and a fleet of SIMULATED instances (real agent protocol, no
 * containers) spread over three availability zones.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { CreateClusterCommand, ECSClient } from "@aws-sdk/client-ecs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { pino } from "pino";
import { SimulatedAgent } from "../../src/agent/simulated/simulated-agent.js";
import { parseCredentialsFile } from "../../src/auth/credentials-file.js";
import { freePort } from "../../test/support/berth-cluster.js";

export interface BenchClusterOptions {
  /** The server's port; a free one when absent (a fixed one collides with other runs on a shared machine). */
  readonly port?: number;
  readonly instances: number;
  readonly cpu: number;
  readonly memory: number;
  /** Concurrent connections of the SDK client. */
  readonly maxSockets: number;
  /** More `berth server` flags. */
  readonly serverArgs?: readonly string[];
  /** Node flags for the server, from SERVER_NODE_ARGS (e.g. "--cpu-prof"). */
  readonly nodeArgs?: readonly string[];
}

export interface BenchCluster {
  readonly name: string;
  readonly ecs: ECSClient;
  /** Seconds it took to register and connect every simulated instance. */
  readonly registerSeconds: number;
  /** For clients of other services: the server's endpoint and root credentials. */
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The root credentials' file in the server's data dir (for agents in processes of their own). */
  readonly credentialsFile: string;
  /** The simulated instances, connected. */
  readonly agents: readonly SimulatedAgent[];
  /** The server process's id (for its CPU time); a new one after `kill9AndRestart`. */
  readonly serverPid: number | undefined;
  /**
   * Kills the server with SIGKILL and starts it again on the same data dir and port; resolves once
   * the new process says it listens. The agents are left to reconnect on their own.
   */
  kill9AndRestart(): Promise<void>;
  stop(): Promise<void>;
}

export const zones = ["us-east-1a", "us-east-1b", "us-east-1c"] as const;

/** Realistic instance sizes (an m5.2xlarge: 8 vCPUs, 32 GiB), the default of the placement benchmarks. */
export const instanceSize = { cpu: 8192, memory: 32_768 } as const;

/** "2026-11-21, 2 × AMD EPYC, Node v20.20.2": where and when a figure was measured. */
export function machineLine(): string {
  const cpu = cpus();
  return `${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model ?? "?"}, Node ${process.version}`;
}

export async function startBenchCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  const o = { ...options, port: options.port ?? (await freePort()) };
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-"));
  const nodeArgs = o.nodeArgs ?? (process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  // Every simulated instance holds a connection: room for all of them and the clients.
  const maxConnections = ["--max-connections", String(Math.max(4096, o.instances + 1000))];
  // BERTH_MAIN runs another build's server (a base commit's dist/src/cli/main.js) for before/after pairs.
  const main = process.env.BERTH_MAIN ?? join(import.meta.dirname, "../../src/cli/main.js");
  const args = [...nodeArgs, main, "server", "--port", String(o.port), "--data-dir", dataDir, "--log-level", "error", ...maxConnections, ...(o.serverArgs ?? [])];
  const launch = () => spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const listening = (p: ReturnType<typeof launch>) =>
    new Promise<void>((resolve, reject) => {
      p.stdout.on("data", (c: Buffer) => c.toString().includes("berth server") && resolve());
      p.once("exit", (code) => reject(new Error(`berth server exited with ${code}`)));
    });
  let server = launch();
  const agents: SimulatedAgent[] = [];
  const stop = async () => {
    agents.forEach((a) => a.stop());
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await listening(server);
    const endpoint = `http://127.0.0.1:${o.port}`;
    const credentials = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
    const ecs = new ECSClient({
      endpoint,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: o.maxSockets } }),
    });
    const name = "bench";
    await ecs.send(new CreateClusterCommand({ clusterName: name }));
    const t0 = performance.now();
    const logger = pino({ level: "silent" });
    for (let i = 0; i < o.instances; i += 50) {
      const batch = Array.from({ length: Math.min(50, o.instances - i) }, (_, j) => {
        const agent = new SimulatedAgent({
          endpoint,
          region: "us-east-1",
          credentials,
          cluster: name,
          cpu: o.cpu,
          memory: o.memory,
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
    return {
      name,
      ecs,
      registerSeconds,
      endpoint,
      credentials,
      credentialsFile: join(dataDir, "credentials"),
      agents,
      get serverPid() {
        return server.pid;
      },
      kill9AndRestart: async () => {
        const exited = new Promise((r) => server.once("exit", r));
        server.kill("SIGKILL");
        await exited;
        server = launch();
        await listening(server);
      },
      stop: async () => {
        ecs.destroy();
        await stop();
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

export const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};
