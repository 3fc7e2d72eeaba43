import Docker from "dockerode";
import type { Logger } from "pino";
import type { DockerEngine } from "../docker/docker-engine.js";
import type { TaskRoleCredentials } from "../../agent-protocol/task-credentials.js";
import { awslogsLabelKey, parseAwslogsLabel } from "./awslogs-label.js";
import { ContainerShipper } from "./container-shipper.js";
import { CursorFiles } from "./cursor-file.js";
import { LogClients } from "./log-clients.js";
import { ensureLogStream, loggingDriverError } from "./log-stream.js";
import { eventStart } from "./multiline.js";
import type { SdkEndpointProvider } from "../endpoints.js";

export interface LogShippingOptions {
  readonly engine: DockerEngine;
  /** The labels of this agent's own containers (its container instance): other agents' are theirs to ship. */
  readonly ownLabels: Readonly<Record<string, string>>;
  readonly dataDir: string;
  /** The server's URL, or a provider of the current one (agent/endpoints.ts). */
  readonly endpoint: string | SdkEndpointProvider;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly httpsAgent?: import("node:https").Agent | undefined;
  /** A task's execution role credentials: its lines go out as that role. */
  readonly executionRoleCredentials: (taskArn: string) => Promise<TaskRoleCredentials>;
  readonly logger: Logger;
  readonly flushMs?: number;
}

/**
 * The agent's awslogs driver: one shipper per container labelled `berth.awslogs` (awslogs-label.ts),
 * started for the containers found at start (after a restart, from their saved cursors) and for
 * each container Docker starts; a container's cursor file goes when Docker removes it. Ships as
 * the task's execution role when the task has one, else with the agent's own credential, which may
 * create groups and streams and put events, nothing else (log-clients.ts).
 */
export class LogShipping {
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly docker = new Docker();
  private readonly clients: LogClients;
  private readonly cursors: CursorFiles;

  constructor(private readonly opts: LogShippingOptions) {
    this.clients = new LogClients({
      endpoint: opts.endpoint,
      region: opts.region,
      httpsAgent: opts.httpsAgent,
      agentCredentials: opts.credentials,
      executionRoleCredentials: opts.executionRoleCredentials,
    });
    this.cursors = new CursorFiles(opts.dataDir);
  }

  /**
   * Before a container of a task with an execution role starts: its log stream is made as that role,
   * and a refusal keeps the container from starting (`CannotStartContainerError: … failed to
   * initialize logging driver: …`), as Docker's awslogs driver fails a container under ECS. Lines
   * of tasks without one are shipped as the agent, whose policy always allows it: nothing to check.
   * The target is read from the container's `labels` (those it was created with), made with every
   * option of its log configuration, `secretOptions`' resolved values included (ECS hands those to
   * Docker's awslogs driver with the others), so the stream made here is the one its lines go to.
   */
  async initialize(dockerId: string, labels: Readonly<Record<string, string>>): Promise<void> {
    const target = parseAwslogsLabel(labels);
    if (target?.executionRoleOf === undefined) return;
    const { logs, release } = this.clients.lease(target);
    try {
      await ensureLogStream(logs, target, target.stream ?? dockerId);
    } catch (e) {
      throw loggingDriverError(e);
    } finally {
      release();
    }
  }

  async start(): Promise<void> {
    for (const c of await this.opts.engine.listContainers({ ...this.opts.ownLabels, [awslogsLabelKey]: true })) this.ship(c.id, c.labels);
    void this.watch();
  }

  private async watch(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        for await (const e of this.opts.engine.events({ filters: { type: ["container"], label: [awslogsLabelKey, ...Object.entries(this.opts.ownLabels).map(([k, v]) => `${k}=${v}`)] }, signal })) {
          if (e.action === "start") this.ship(e.id, e.attributes);
          if (e.action === "destroy") this.cursors.remove(e.id);
        }
      } catch (err) {
        if (!signal.aborted) this.opts.logger.warn({ err }, "docker events for log shipping ended; watching again");
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private ship(id: string, labels: Readonly<Record<string, string>>): void {
    const target = parseAwslogsLabel(labels);
    if (!target || this.running.has(id)) return;
    const start = eventStart(target);
    if (start !== undefined && "invalid" in start) this.opts.logger.warn({ container: id.slice(0, 12), reason: start.invalid }, "shipping the container's lines one by one");
    const { logs, release } = this.clients.lease(target);
    const shipper = new ContainerShipper(id, target, {
      docker: this.docker,
      logs,
      cursors: this.cursors,
      logger: this.opts.logger,
      flushMs: this.opts.flushMs ?? 200,
      eventStart: start instanceof RegExp ? start : undefined,
    });
    const done = shipper
      .run(this.stopping.signal)
      .catch((err: unknown) => this.opts.logger.error({ err, container: id.slice(0, 12) }, "log shipping stopped"))
      .finally(() => {
        release();
        this.running.delete(id);
      });
    this.running.set(id, done);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.running.values());
    this.clients.close();
  }
}
