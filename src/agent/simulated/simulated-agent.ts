import type { Attribute } from "@aws-sdk/client-ecs";
import { ECSClient, RegisterContainerInstanceCommand } from "../../aws-sdk/ecs.js";
import type { Logger } from "pino";
import type { TaskReport, TaskSpec } from "../../agent-protocol/messages.js";
import type { AccessKey } from "../../auth/credentials-file.js";
import type { AgentCredential } from "../../agent-protocol/agent-credential.js";
import { AgentChannel } from "../channel.js";
import { EndpointRotation } from "../endpoints.js";
import { createAgentCredential } from "../identity.js";

export interface SimulatedAgentOptions {
  readonly endpoint: string;
  readonly region: string;
  /** The operator's (root) credential: it registers the instance. */
  readonly credentials: AccessKey;
  /**
   * What the agent channel is opened with: `operator` (root, the default: one request less per
   * instance for benchmarks of thousands) or `own`, a credential issued to this instance, as the real agent does.
   */
  readonly identity?: "operator" | "own";
  readonly cluster: string;
  readonly cpu: number;
  readonly memory: number;
  readonly attributes?: readonly Attribute[];
  readonly logger: Logger;
  /** Shared by many agents of one benchmark process, to spare sockets. */
  readonly ecs?: ECSClient;
}

/**
 * A SIMULATED container instance, for scale benchmarks and tests only: it registers and speaks
 * the real agent protocol to the real server, but runs no containers. A task it is asked to run
 * is reported RUNNING at once; a task it is asked to stop is reported STOPPED.
 * This is how one machine drives thousands of instances (as Nomad's C1M used a mock driver).
 */
export class SimulatedAgent {
  private readonly tasks = new Map<string, TaskReport>();
  private channel?: AgentChannel;
  containerInstanceArn = "";
  /** The instance's own credential, with `identity: "own"`. */
  credential?: AgentCredential;
  /** Manifests received: one per (re)connect the server answered. */
  manifests = 0;

  constructor(private readonly opts: SimulatedAgentOptions) {}

  async start(): Promise<void> {
    const ecs = this.opts.ecs ?? new ECSClient({ endpoint: this.opts.endpoint, region: this.opts.region, credentials: this.opts.credentials });
    const out = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: this.opts.cluster,
        totalResources: [
          { name: "CPU", type: "INTEGER", integerValue: this.opts.cpu },
          { name: "MEMORY", type: "INTEGER", integerValue: this.opts.memory },
          { name: "PORTS", type: "STRINGSET", stringSetValue: ["22"] },
          { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: [] },
        ],
        versionInfo: { agentVersion: "1.105.1", agentHash: "simulated", dockerVersion: "DockerVersion: simulated" },
        attributes: [{ name: "ecs.os-type", value: "linux" }, { name: "ecs.cpu-architecture", value: process.arch === "arm64" ? "arm64" : "x86_64" }, { name: "berth.simulated", value: "true" }, ...(this.opts.attributes ?? [])],
      }),
    );
    this.containerInstanceArn = out.containerInstance?.containerInstanceArn ?? "";
    if (this.opts.identity === "own") {
      this.credential = await createAgentCredential(this.opts.endpoint, this.opts.region, this.opts.credentials, this.containerInstanceArn);
    }
    await this.connect();
  }

  /** Opens the agent channel (again, after `stop()`: as an agent coming back) and waits for the manifest. */
  async connect(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.channel = new AgentChannel({
        endpoints: new EndpointRotation([this.opts.endpoint]),
        region: this.opts.region,
        credentials: this.credential ?? this.opts.credentials,
        containerInstanceArn: this.containerInstanceArn,
        logger: this.opts.logger,
        knownTasks: () => [...this.tasks.values()],
        onDesired: (specs, complete) => {
          this.apply(specs, complete);
          if (complete) {
            this.manifests++;
            resolve();
          }
        },
      });
      this.channel.start();
    });
  }

  /** WebSocket pings heard from the server on the current connection. */
  get pingsHeard(): number {
    return this.channel?.pingsHeard ?? 0;
  }

  /** Tasks this agent runs now (reported RUNNING and not since stopped). */
  runningTaskArns(): string[] {
    return [...this.tasks.values()].filter((t) => t.status === "RUNNING").map((t) => t.taskArn);
  }

  /**
   * Applies desired state. A complete manifest stops what it no longer lists, as the real agent does.
   * A container with the environment variable BERTH_SIMULATED=fail-to-start makes its task fail to start.
   */
  private apply(specs: readonly TaskSpec[], complete = false): void {
    if (complete) {
      const listed = new Set(specs.map((s) => s.taskArn));
      for (const [arn, known] of this.tasks) {
        if (!listed.has(arn) && known.status !== "STOPPED") this.tasks.set(arn, { ...known, status: "STOPPED", containers: known.containers.map((c) => ({ ...c, status: "STOPPED" as const })) });
      }
    }
    for (const spec of specs) {
      const known = this.tasks.get(spec.taskArn);
      const containers = spec.containers.map((c) => ({ name: c.name ?? "", status: "RUNNING" as const }));
      const failing = spec.containers.some((c) => c.environment?.some((e) => e.name === "BERTH_SIMULATED" && e.value === "fail-to-start"));
      if (spec.desiredStatus === "RUNNING" && !known && failing) {
        const failed: TaskReport = {
          taskArn: spec.taskArn,
          status: "STOPPED",
          containers: containers.map((c) => ({ ...c, status: "STOPPED" as const, reason: "CannotStartContainerError: simulated failure" })),
          reason: "Task failed to start",
          stopCode: "TaskFailedToStart",
          executionStoppedAtMs: Date.now(),
        };
        this.tasks.set(spec.taskArn, failed);
        this.channel?.report(failed);
      } else if (spec.desiredStatus === "RUNNING" && !known) {
        const now = Date.now();
        const running: TaskReport = { taskArn: spec.taskArn, status: "RUNNING", containers, pullStartedAtMs: now, pullStoppedAtMs: now, startedAtMs: now };
        this.tasks.set(spec.taskArn, running);
        this.channel?.report(running);
      } else if (spec.desiredStatus === "STOPPED" && known?.status !== "STOPPED") {
        const stopped: TaskReport = {
          taskArn: spec.taskArn,
          status: "STOPPED",
          containers: containers.map((c) => ({ ...c, status: "STOPPED" as const, exitCode: 0 })),
          reason: spec.stopReason,
          executionStoppedAtMs: Date.now(),
        };
        this.tasks.set(spec.taskArn, stopped);
        this.channel?.report(stopped);
      }
    }
  }

  /** Sends one `stats` message, as a real agent's sampler does: each running task's usage as `usage` says (a test's or benchmark's load). */
  sendStats(usage: (taskArn: string) => { cpuUnits: number; memoryMiB: number }): void {
    this.channel?.sendStats(this.runningTaskArns().map((taskArn) => ({ taskArn, ...usage(taskArn) })));
  }

  /** Sends one `stats` message as given, whatever tasks it names (to test that the server checks them). */
  sendRawStats(tasks: readonly { taskArn: string; cpuUnits: number; memoryMiB: number }[]): void {
    this.channel?.sendStats(tasks);
  }

  stop(): void {
    this.channel?.stop();
  }
}
