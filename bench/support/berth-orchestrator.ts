/**
 * Berth on the machine's real Docker for bench/docker-vs-swarm.ts: a real `berth server` and one
 * real `berth agent` on this host (test/support/berth-cluster.ts), a REPLICA service at 100/200,
 * the server with `--task-healthy-after 0s` (as the figures were taken).
 */
import { CreateServiceCommand, DeleteServiceCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "../../test/support/berth-cluster.js";
import { describeService, serviceTasks } from "../../test/support/services.js";
import { until } from "../../test/support/until.js";
import { workload, type Orchestrator } from "./orchestrator.js";

const family = "vs-swarm";

export class BerthOrchestrator implements Orchestrator {
  readonly name = "Berth";
  private service = "";
  private closed = false;

  private constructor(private readonly cluster: BerthCluster) {}

  /** `pullBehavior`: the agent's ECS_IMAGE_PULL_BEHAVIOR ("prefer-cached": no registry round trip per task). */
  static async start(o: { pullBehavior: string; agentEnv?: Readonly<Record<string, string>>; nodeArgs?: readonly string[]; bin?: string | undefined }): Promise<BerthOrchestrator> {
    const cluster = await BerthCluster.start({
      name: "vs-swarm",
      agents: 1,
      serverArgs: ["--task-healthy-after", "0s"],
      agentEnv: { ECS_IMAGE_PULL_BEHAVIOR: o.pullBehavior, ...o.agentEnv },
      nodeArgs: o.nodeArgs,
      bin: o.bin,
    });
    return new BerthOrchestrator(cluster);
  }

  pids(): number[] {
    return [this.cluster.server.pid, ...this.cluster.agents.map((a) => a.pid)].filter((p): p is number => p !== undefined);
  }

  private register(revision: number): Promise<string> {
    return this.cluster.register({
      family,
      containerDefinitions: [
        {
          name: "app",
          image: workload.image,
          command: [...workload.command],
          memory: workload.memoryMiB,
          essential: true,
          stopTimeout: workload.stopGraceSeconds,
          linuxParameters: { initProcessEnabled: true },
          environment: [{ name: "REV", value: String(revision) }],
        },
      ],
    });
  }

  async create(round: number, replicas: number): Promise<void> {
    this.service = `vs-swarm-${round}`;
    const taskDefinition = this.taskDefinitions.get(round);
    if (taskDefinition === undefined) throw new Error(`round ${round} was not prepared`);
    await this.cluster.ecs.send(
      new CreateServiceCommand({
        cluster: this.cluster.name,
        serviceName: this.service,
        taskDefinition,
        desiredCount: replicas,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
  }

  async prepareCreate(round: number): Promise<void> {
    this.taskDefinitions.set(round, await this.register(round * 100));
  }
  private readonly taskDefinitions = new Map<number, string>();
  private readonly revisions = new Map<number, string>();

  async allRunning(replicas: number): Promise<boolean> {
    return (await describeService(this.cluster.ecs, this.cluster.name, this.service)).runningCount === replicas;
  }

  async runningContainers(): Promise<string[]> {
    const out = await docker("ps", "-q", "--no-trunc", "--filter", `label=com.amazonaws.ecs.cluster=${this.cluster.name}`, "--filter", "status=running");
    return out.split("\n").filter(Boolean);
  }

  async replaced(killed: ReadonlySet<string>, replicas: number): Promise<boolean> {
    const tasks = await serviceTasks(this.cluster.ecs, this.cluster.name, this.service, "RUNNING");
    const fresh = tasks.filter((t) => t.lastStatus === "RUNNING" && (t.containers ?? []).every((c) => c.runtimeId !== undefined && !killed.has(c.runtimeId)));
    return fresh.length === replicas;
  }

  async prepareUpdate(revision: number): Promise<void> {
    this.revisions.set(revision, await this.register(revision));
  }

  async update(revision: number): Promise<void> {
    const taskDefinition = this.revisions.get(revision);
    if (taskDefinition === undefined) throw new Error(`revision ${revision} was not prepared`);
    await this.cluster.ecs.send(new UpdateServiceCommand({ cluster: this.cluster.name, service: this.service, taskDefinition }));
  }

  async updated(revision: number, replicas: number): Promise<boolean> {
    const s = await describeService(this.cluster.ecs, this.cluster.name, this.service);
    const wanted = this.revisions.get(revision) ?? "?";
    return s.deployments?.length === 1 && s.deployments[0]?.rolloutState === "COMPLETED" && s.runningCount === replicas && (s.taskDefinition ?? "").endsWith(`/${wanted}`);
  }

  async remove(): Promise<void> {
    const { ecs, name } = this.cluster;
    await ecs.send(new UpdateServiceCommand({ cluster: name, service: this.service, desiredCount: 0 }));
    await ecs.send(new DeleteServiceCommand({ cluster: name, service: this.service, force: true }));
    // Gone means removed: the agent removes stopped containers after its cleanup wait (4 s here).
    await until("Berth's containers removed", async () => ((await docker("ps", "-aq", "--filter", `label=com.amazonaws.ecs.cluster=${name}`)).trim() === "" ? true : undefined), {
      timeoutMs: 120_000,
      everyMs: 250,
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cluster.stop();
  }
}
