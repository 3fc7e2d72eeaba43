/**
 * Docker Swarm (single node, on the machine's engine) for bench/docker-vs-swarm.ts, with the
 * settings that match Berth's: `--init`, 32 MiB, the same stop grace, no restart delay (Berth
 * replaces a dead task at once), an update of all tasks at once with new ones started first and
 * no monitor period (Berth runs with `--task-healthy-after 0s`).
 *
 * Safety: the swarm is initialised only if the engine is in none, and then left at `close()`;
 * everything made carries the label `berth.bench=<run>` and only that is removed.
 */
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { docker } from "../../test/support/berth-cluster.js";
import { until } from "../../test/support/until.js";
import { workload, type Orchestrator } from "./orchestrator.js";

interface SwarmTask {
  readonly Status?: { readonly State?: string; readonly ContainerStatus?: { readonly ContainerID?: string } };
}
interface SwarmService {
  readonly ServiceStatus?: { readonly RunningTasks?: number };
  readonly UpdateStatus?: { readonly State?: string };
}

export class SwarmOrchestrator implements Orchestrator {
  readonly name = "Swarm";
  private readonly engine = new Docker();
  private readonly run = randomBytes(3).toString("hex");
  private service = "";
  private closed = false;

  /** Whether this run initialised the swarm (and so must leave it). */
  private initialised = false;
  /** Whether docker_gwbridge existed before (`swarm init` makes it; it outlives `swarm leave`). */
  private hadGatewayBridge = true;
  /** The image as Swarm is given it: by ID (no registry round trip per task) or by tag. */
  private image: string = workload.image;
  private resolveImage = true;
  /** The start-up under way: `close()` waits for it, so that a swarm made meanwhile is left too. */
  private starting: Promise<void> = Promise.resolve();

  /**
   * Initialises a swarm unless the engine is in one. `byId`: give Swarm the image by its ID with
   * `--no-resolve-image` (no registry look-up per task). Register the orchestrator for clean-up
   * before calling this: `close()` undoes whatever part of it ran.
   */
  start(o: { byId: boolean }): Promise<void> {
    this.starting = (async () => {
      this.resolveImage = !o.byId;
      if (o.byId) this.image = (await docker("image", "inspect", "-f", "{{.Id}}", workload.image)).trim();
      const state = (await docker("info", "--format", "{{.Swarm.LocalNodeState}}")).trim();
      this.hadGatewayBridge = (await docker("network", "ls", "-q", "--filter", "name=^docker_gwbridge$")).trim() !== "";
      if (state === "inactive") {
        this.initialised = true; // set first: a failed init may still have half-made one, and leaving none is harmless
        await docker("swarm", "init", "--advertise-addr", "127.0.0.1");
      } else if (state !== "active") {
        throw new Error(`the engine's swarm state is "${state}"; expected inactive or active`);
      }
    })();
    return this.starting;
  }

  get initialisedSwarm(): boolean {
    return this.initialised;
  }

  pids(): number[] {
    return []; // Swarm's manager and worker run inside dockerd: counted as the engine's CPU
  }

  private get label(): string {
    return `berth.bench=${this.run}`;
  }

  private get resolve(): string[] {
    return this.resolveImage ? [] : ["--no-resolve-image"];
  }

  async prepareCreate(): Promise<void> {}

  async create(round: number, replicas: number): Promise<void> {
    this.service = `vs-swarm-${this.run}-${round}`;
    await docker(
      "service", "create", "-d", "--quiet",
      "--name", this.service,
      "--replicas", String(replicas),
      "--init",
      "--limit-memory", `${workload.memoryMiB}m`,
      "--stop-grace-period", `${workload.stopGraceSeconds}s`,
      "--restart-delay", "0s",
      "--update-parallelism", String(replicas),
      "--update-order", "start-first",
      "--update-delay", "0s",
      "--update-monitor", "0s",
      "--env", `REV=${round * 100}`,
      "--label", this.label,
      "--container-label", this.label,
      ...this.resolve,
      this.image,
      ...workload.command,
    );
  }

  private async status(): Promise<SwarmService | undefined> {
    const services = (await this.engine.listServices({ filters: { name: [this.service] }, status: true })) as Array<SwarmService & { Spec?: { Name?: string } }>;
    return services.find((s) => s.Spec?.Name === this.service);
  }

  async allRunning(replicas: number): Promise<boolean> {
    return (await this.status())?.ServiceStatus?.RunningTasks === replicas;
  }

  async runningContainers(): Promise<string[]> {
    const out = await docker("ps", "-q", "--no-trunc", "--filter", `label=com.docker.swarm.service.name=${this.service}`, "--filter", "status=running");
    return out.split("\n").filter(Boolean);
  }

  async replaced(killed: ReadonlySet<string>, replicas: number): Promise<boolean> {
    const tasks = (await this.engine.listTasks({ filters: { service: [this.service], "desired-state": ["running"] } })) as SwarmTask[];
    const fresh = tasks.filter((t) => t.Status?.State === "running" && !killed.has(t.Status.ContainerStatus?.ContainerID ?? ""));
    return fresh.length === replicas;
  }

  async prepareUpdate(): Promise<void> {}

  async update(revision: number): Promise<void> {
    await docker("service", "update", "-d", "--quiet", "--env-add", `REV=${revision}`, ...this.resolve, this.service);
  }

  async updated(_revision: number, replicas: number): Promise<boolean> {
    const s = await this.status();
    return s?.UpdateStatus?.State === "completed" && s.ServiceStatus?.RunningTasks === replicas;
  }

  async remove(): Promise<void> {
    await docker("service", "rm", this.service);
    await until("Swarm's containers removed", async () => ((await docker("ps", "-aq", "--filter", `label=com.docker.swarm.service.name=${this.service}`)).trim() === "" ? true : undefined), {
      timeoutMs: 120_000,
      everyMs: 250,
    });
  }

  /** Removes this run's services and containers; leaves the swarm if this run made it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.starting.catch(() => undefined);
    const lines = (s: string) => s.split("\n").filter(Boolean);
    const services = lines(await docker("service", "ls", "-q", "--filter", `label=${this.label}`).catch(() => ""));
    if (services.length > 0) await docker("service", "rm", ...services).catch(() => "");
    if (this.initialised) await docker("swarm", "leave", "--force").catch(() => "");
    const containers = lines(await docker("ps", "-aq", "--filter", `label=${this.label}`));
    if (containers.length > 0) await docker("rm", "-f", "-v", ...containers);
    if (this.initialised && !this.hadGatewayBridge) await docker("network", "rm", "docker_gwbridge").catch(() => "");
  }
}
