import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import Docker from "dockerode";
import type { Logger } from "pino";
import type { DockerEngine } from "../docker/docker-engine.js";
import { awslogsLabelKey, parseAwslogsLabel } from "./awslogs-label.js";
import { ContainerShipper } from "./container-shipper.js";
import { CursorFiles } from "./cursor-file.js";
import { eventStart } from "./multiline.js";

export interface LogShippingOptions {
  readonly engine: DockerEngine;
  readonly dataDir: string;
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly httpsAgent?: import("node:https").Agent | undefined;
  readonly logger: Logger;
  readonly flushMs?: number;
}

/**
 * The agent's awslogs driver: one shipper per container labelled `berth.awslogs` (awslogs-label.ts),
 * started for the containers found at start (after a restart, from their saved cursors) and for
 * each container Docker starts; a container's cursor file goes when Docker removes it. Ships with
 * the agent's own credential, which may create groups and streams and put events, nothing else.
 */
export class LogShipping {
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly docker = new Docker();
  private readonly logs: CloudWatchLogsClient;
  private readonly cursors: CursorFiles;

  constructor(private readonly opts: LogShippingOptions) {
    this.logs = new CloudWatchLogsClient({
      endpoint: opts.endpoint,
      region: opts.region,
      credentials: opts.credentials,
      maxAttempts: 1,
      ...(opts.httpsAgent && { requestHandler: { httpsAgent: opts.httpsAgent } }),
    });
    this.cursors = new CursorFiles(opts.dataDir);
  }

  async start(): Promise<void> {
    for (const c of await this.opts.engine.listContainers({ [awslogsLabelKey]: true })) this.ship(c.id, c.labels);
    void this.watch();
  }

  private async watch(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        for await (const e of this.opts.engine.events({ filters: { type: ["container"], label: [awslogsLabelKey] }, signal })) {
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
    const shipper = new ContainerShipper(id, target, {
      docker: this.docker,
      logs: this.logs,
      cursors: this.cursors,
      logger: this.opts.logger,
      flushMs: this.opts.flushMs ?? 200,
      eventStart: start instanceof RegExp ? start : undefined,
    });
    const done = shipper
      .run(this.stopping.signal)
      .catch((err: unknown) => this.opts.logger.error({ err, container: id.slice(0, 12) }, "log shipping stopped"))
      .finally(() => this.running.delete(id));
    this.running.set(id, done);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.running.values());
    this.logs.destroy();
  }
}
