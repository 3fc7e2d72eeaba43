/**
 * What the scale benchmarks share: a real `berth server` process with its own data dir (or several
 * replicas on PostgreSQL: STORE, REPLICAS), an AWS SDK client with a keep-alive pool, and a fleet of
 * SIMULATED instances (real agent protocol, no containers) spread over three availability zones.
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
import { startPostgres } from "../../test/support/postgres-server.js";

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
  /** A client of the first replica (the only one, unless REPLICAS). */
  readonly ecs: ECSClient;
  /** A client of each replica. */
  readonly clients: readonly ECSClient[];
  /** "SQLite", "PostgreSQL 15, 3 replicas": for the figures' headings. */
  readonly storeLine: string;
  /** Seconds it took to register and connect every simulated instance. */
  readonly registerSeconds: number;
  /** For clients of other services: the server's endpoint and root credentials. */
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The root credentials' file in the server's data dir (for agents in processes of their own). */
  readonly credentialsFile: string;
  /** The simulated instances, connected. */
  readonly agents: readonly SimulatedAgent[];
  /** The (first) server process's id (for its CPU time); a new one after `kill9AndRestart`. */
  readonly serverPid: number | undefined;
  /** Every replica's process id. */
  readonly serverPids: readonly number[];
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

/**
 * Where the state lives, from STORE and REPLICAS: SQLite (the default), or a throwaway PostgreSQL
 * server of Debian's (durable: fsync on) with REPLICAS servers on it (default 1).
 */
export function storeChoice(): { readonly store: "sqlite" | "postgres"; readonly replicas: number; readonly line: string } {
  const store = process.env.STORE === "postgres" ? "postgres" : "sqlite";
  const replicas = store === "postgres" ? Math.max(1, Number(process.env.REPLICAS ?? 1)) : 1;
  return { store, replicas, line: store === "sqlite" ? "SQLite" : `PostgreSQL 15, ${replicas} replica${replicas === 1 ? "" : "s"}` };
}

export async function startBenchCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  const choice = storeChoice();
  const ports = [options.port ?? (await freePort())];
  while (ports.length < choice.replicas) ports.push(await freePort());
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-"));
  const pg = choice.store === "postgres" ? await startPostgres({ durable: true }) : undefined;
  if (pg) await pg.createDatabase("berth");
  const nodeArgs = options.nodeArgs ?? (process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  // Every simulated instance holds a connection: room for all of them and the clients.
  const maxConnections = ["--max-connections", String(Math.max(4096, options.instances + 1000))];
  const storeArgs = pg ? ["--store", pg.url("berth")] : [];
  // BERTH_MAIN runs another build's server (a base commit's dist/src/cli/main.js) for before/after pairs.
  const main = process.env.BERTH_MAIN ?? join(import.meta.dirname, "../../src/cli/main.js");
  const launch = (port: number) =>
    spawn(process.execPath, [...nodeArgs, main, "server", "--port", String(port), "--data-dir", dataDir, "--log-level", "error", ...maxConnections, ...storeArgs, ...(options.serverArgs ?? [])], {
      stdio: ["ignore", "pipe", "inherit"],
    });
  const listening = (p: ReturnType<typeof launch>) =>
    new Promise<void>((resolve, reject) => {
      p.stdout.on("data", (c: Buffer) => c.toString().includes("berth server") && resolve());
      p.once("exit", (code) => reject(new Error(`berth server exited with ${code}`)));
    });
  const servers: ReturnType<typeof launch>[] = [];
  const agents: SimulatedAgent[] = [];
  const clients: ECSClient[] = [];
  const stop = async () => {
    agents.forEach((a) => a.stop());
    clients.forEach((c) => c.destroy());
    for (const server of servers) {
      if (server.exitCode !== null || server.signalCode !== null) continue;
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dataDir, { recursive: true, force: true });
    await pg?.stop();
  };
  try {
    // The first replica alone (it writes the credentials the others read), then the others.
    for (const port of ports) {
      const server = launch(port);
      servers.push(server);
      await listening(server);
    }
    const endpoints = ports.map((port) => `http://127.0.0.1:${port}`);
    const credentials = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
    for (const endpoint of endpoints) {
      clients.push(
        new ECSClient({
          endpoint,
          region: "us-east-1",
          credentials,
          maxAttempts: 1,
          requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: options.maxSockets } }),
        }),
      );
    }
    const ecs = clients[0]!;
    const name = "bench";
    await ecs.send(new CreateClusterCommand({ clusterName: name }));
    const t0 = performance.now();
    const logger = pino({ level: "silent" });
    for (let i = 0; i < options.instances; i += 50) {
      const batch = Array.from({ length: Math.min(50, options.instances - i) }, (_, j) => {
        // Agents spread over the replicas, as a load balancer in front of them would spread them.
        const replica = (i + j) % endpoints.length;
        const agent = new SimulatedAgent({
          endpoint: endpoints[replica]!,
          region: "us-east-1",
          credentials,
          cluster: name,
          cpu: options.cpu,
          memory: options.memory,
          attributes: [{ name: "ecs.availability-zone", value: zones[(i + j) % 3] }],
          logger,
          ecs: clients[replica]!,
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
      clients,
      storeLine: choice.line,
      registerSeconds,
      endpoint: endpoints[0]!,
      credentials,
      credentialsFile: join(dataDir, "credentials"),
      agents,
      get serverPid() {
        return servers[0]!.pid;
      },
      get serverPids() {
        return servers.map((s) => s.pid ?? 0);
      },
      kill9AndRestart: async () => {
        const server = servers[0]!;
        const exited = new Promise((r) => server.once("exit", r));
        server.kill("SIGKILL");
        await exited;
        servers[0] = launch(ports[0]!);
        await listening(servers[0]);
      },
      stop,
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
