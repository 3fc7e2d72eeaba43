import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ContainerInstance,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Task,
} from "@aws-sdk/client-ecs";
import { freeBlock } from "../../src/agent/free-ports.testing.js";
import { berthBin, BerthServer } from "./berth-server.js";
import { until } from "./until.js";

const run = promisify(execFile);

/** Options of {@link BerthCluster.start}. */
export interface ClusterOptions {
  /** A prefix of the cluster's name; a random suffix keeps concurrent runs on one Docker apart. */
  readonly name: string;
  readonly agents?: number;
  /** Extra agent environment (ECS_… variables), applied to every agent. */
  readonly agentEnv?: Readonly<Record<string, string>>;
  /** Extra `berth server` flags, e.g. ["--agent-lost-after", "3s"]. */
  readonly serverArgs?: readonly string[];
  /** With `--tls-cert` among the server flags: the CA file the test's SDK client and the agents trust. */
  readonly caBundle?: string;
  /** The region of the cluster, its agents and `ecs` client (us-east-1 by default). */
  readonly region?: string;
  /** Node flags for the server and agent processes (e.g. ["--cpu-prof"] to profile them). */
  readonly nodeArgs?: readonly string[];
  /** Another build's dist/src/cli/main.js for the server and the agents (a benchmark's before build). */
  readonly bin?: string | undefined;
  /** A server already running (one replica of several), instead of starting one; `stop()` stops it too. */
  readonly server?: BerthServer;
}

/** How long an agent's stopped containers stay before cleanup: short, so that tests see it. */
export const cleanupWaitSeconds = 4;

/**
 * A real `berth server` and N real `berth agent` processes registered in one cluster, each agent
 * with its own data dir, introspection and metadata ports and slice of dynamic host ports, all on
 * the machine's Docker. `stop()` removes every container the cluster's agents created (found by the
 * `com.amazonaws.ecs.cluster` label: other work shares this Docker engine).
 */
export class BerthCluster {
  readonly agents: BerthAgent[] = [];
  readonly ecs: ECSClient;

  private constructor(
    readonly server: BerthServer,
    readonly name: string,
    readonly region: string,
  ) {
    this.ecs = server.ecs({ region });
  }

  static async start(options: ClusterOptions): Promise<BerthCluster> {
    const name = `${options.name}-${randomBytes(3).toString("hex")}`;
    const server = options.server ?? (await BerthServer.start(undefined, options.serverArgs, { nodeArgs: options.nodeArgs, bin: options.bin }));
    server.caBundle = options.caBundle;
    const region = options.region ?? "us-east-1";
    const cluster = new BerthCluster(server, name, region);
    cluster.nodeArgs = options.nodeArgs ?? [];
    cluster.bin = options.bin ?? berthBin;
    try {
      await cluster.ecs.send(new CreateClusterCommand({ clusterName: name }));
      // Dynamic host ports: a random block below the ephemeral range, one 100-port slice per agent,
      // so that agents of one machine (and concurrent runs) do not race for the same port.
      const base = 20_000 + 400 * Math.floor(Math.random() * 30);
      cluster.portBase = base;
      cluster.agentEnv = { AWS_DEFAULT_REGION: region, ...options.agentEnv, ...(options.caBundle !== undefined && { BERTH_CA_BUNDLE: options.caBundle }) };
      for (let i = 0; i < (options.agents ?? 1); i++) await cluster.addAgent();
      // With `agents: 0` the test adds its own (addAgent with its own environment).
      if (cluster.agents.length > 0) {
        await until("every agent connected", async () => {
          const all = await cluster.describeInstances(cluster.agents.map((a) => a.containerInstanceArn));
          return all.every((i) => i.agentConnected) || undefined;
        }, { timeoutMs: 15_000 });
      }
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  private portBase = 0;
  /** Node flags of the agent processes. */
  nodeArgs: readonly string[] = [];
  /** The `berth` entry point of the agent processes. */
  bin = berthBin;
  private agentEnv: Readonly<Record<string, string>> = {};

  /** Starts one more agent in the cluster, with its own slice of dynamic host ports. */
  async addAgent(env: Readonly<Record<string, string>> = {}): Promise<BerthAgent> {
    const i = this.agents.length;
    const agent = new BerthAgent(this, {
      ECS_DYNAMIC_HOST_PORT_RANGE: `${this.portBase + 100 * i}-${this.portBase + 100 * i + 99}`,
      ...this.agentEnv,
      ...env,
    });
    this.agents.push(agent);
    await agent.start();
    return agent;
  }

  /** Polls DescribeTasks until every task satisfies `predicate`; resolves with the tasks. */
  waitForTasks(taskArns: readonly string[], predicate: (t: Task) => boolean, timeoutMs: number, what: string): Promise<Task[]> {
    return until(what, async () => {
        const tasks = await this.describeTasks(taskArns);
        return tasks.length === taskArns.length && tasks.every(predicate) ? tasks : undefined;
      }, { timeoutMs: timeoutMs });
  }

  async describeTasks(taskArns: readonly string[]): Promise<Task[]> {
    const out = await this.ecs.send(new DescribeTasksCommand({ cluster: this.name, tasks: [...taskArns] }));
    return out.tasks ?? [];
  }

  async describeInstances(arns: readonly string[]): Promise<ContainerInstance[]> {
    const out = await this.ecs.send(new DescribeContainerInstancesCommand({ cluster: this.name, containerInstances: [...arns] }));
    return out.containerInstances ?? [];
  }

  /** Registers a task definition; returns its `family:revision`. */
  /** Registers `definition`, runs one task of it and waits until `until` holds for it (20 s at most). */
  async runOne(definition: RegisterTaskDefinitionCommandInput, until: (t: Task) => boolean, what: string): Promise<Task> {
    const taskDefinition = await this.register(definition);
    const out = await this.ecs.send(new RunTaskCommand({ cluster: this.name, taskDefinition }));
    const arn = out.tasks?.[0]?.taskArn;
    if (!arn) throw new Error(`no task started: ${JSON.stringify(out.failures)}`);
    const [task] = await this.waitForTasks([arn], until, 20_000, what);
    return task!;
  }

  async register(input: RegisterTaskDefinitionCommandInput): Promise<string> {
    const out = await this.ecs.send(new RegisterTaskDefinitionCommand(input));
    return `${out.taskDefinition?.family}:${out.taskDefinition?.revision}`;
  }

  /** The Docker ids of the containers this cluster's agents created, running or not. */
  async containerIds(): Promise<string[]> {
    return docker("ps", "-aq", "--no-trunc", "--filter", `label=com.amazonaws.ecs.cluster=${this.name}`).then(lines);
  }

  /** Stops every agent and the server, removes their containers (the tasks' and the agents' pause containers) and data dirs. */
  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    await this.server.stop();
    const byInstance = await Promise.all(
      this.agents.filter((a) => a.containerInstanceArn !== "").map((a) => docker("ps", "-aq", "--no-trunc", "--filter", `label=berth.container-instance=${a.containerInstanceArn}`).then(lines)),
    );
    const ids = [...new Set([...(await this.containerIds()), ...byInstance.flat()])];
    if (ids.length > 0) await docker("rm", "-f", "-v", ...ids);
  }
}

/** One `berth agent` child process of a {@link BerthCluster}. */
export class BerthAgent {
  readonly dataDir = mkdtempSync(join(tmpdir(), "berth-agent-"));
  introspectionPort = 0;
  metadataPort = 0;
  containerInstanceArn = "";
  private child?: ChildProcess;

  constructor(
    private readonly cluster: BerthCluster,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  /** Starts the agent (again, with the same data dir and ports); resolves once it has registered. */
  async start(): Promise<void> {
    if (this.introspectionPort === 0) this.introspectionPort = await freePort();
    if (this.metadataPort === 0) this.metadataPort = await freePort();
    const { server } = this.cluster;
    const child = spawn(process.execPath, [...this.cluster.nodeArgs, this.cluster.bin, "agent"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: server.accessKey.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.accessKey.secretAccessKey,
        ECS_BACKEND_HOST: server.endpoint,
        ECS_CLUSTER: this.cluster.name,
        ECS_DATADIR: this.dataDir,
        ECS_LOGLEVEL: "warn",
        BERTH_INTROSPECTION_PORT: String(this.introspectionPort),
        BERTH_METADATA_PORT: String(this.metadataPort),
        ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: `${cleanupWaitSeconds}s`,
        ECS_CONTAINER_STOP_TIMEOUT: "2s",
        ...this.env,
      },
    });
    this.child = child;
    this.containerInstanceArn = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /berth agent (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code, signal) => reject(new Error(`berth agent exited (${code ?? signal}) before registering: ${out}`)));
    });
  }

  /** The agent's introspection API: GET a path on 127.0.0.1. */
  async introspect(path: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`http://127.0.0.1:${this.introspectionPort}${path}`);
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      return { status: res.status, body: text };
    }
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The agent process's id, for reading its resource use. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends a signal without waiting (SIGSTOP / SIGCONT: a hung agent and its recovery). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child?.kill(signal);
  }

  /** Sends a signal and waits for the process to be gone (SIGKILL after 10 s, so that a test never hangs here). */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise<void>((resolve) => {
      const escalate = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", () => {
        clearTimeout(escalate);
        resolve();
      });
      child.kill(signal);
      if (signal !== "SIGKILL") child.kill("SIGCONT"); // a stopped process acts on SIGTERM only once continued
    });
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Runs the docker CLI; resolves with stdout. */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run("docker", args, { maxBuffer: 16 << 20 });
  return stdout;
}

/** `docker inspect` of one container, as parsed JSON (only the fields tests read are typed). */
export async function inspect(id: string): Promise<{ State: { StartedAt: string; FinishedAt: string; ExitCode: number; OOMKilled: boolean; Status: string } }> {
  const parsed = JSON.parse(await docker("inspect", id)) as Array<{ State: { StartedAt: string; FinishedAt: string; ExitCode: number; OOMKilled: boolean; Status: string } }>;
  return parsed[0]!;
}

const lines = (text: string): string[] => text.split("\n").filter((l) => l.trim() !== "");

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A port for a process to bind a moment later (an agent's introspection and metadata ports):
 * outside Linux's ephemeral range, where any outgoing connection of the machine (the other test
 * runner's, Docker's) may take a port between this check and that bind.
 */
export const freePort = (): Promise<number> => freeBlock(1);
