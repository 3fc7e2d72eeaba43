import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { Backfills } from "./backfill.js";
import type { ManifestPushed, Registry } from "../registry.js";
import { copyImage, type CopyResult } from "./copy-image.js";
import { destinationsFor, parseStoredReplication } from "./config.js";

/** One destination's state for one image, as DescribeImageReplicationStatus answers it. */
export interface DestinationStatus {
  readonly region: string;
  readonly status: "IN_PROGRESS" | "COMPLETE" | "FAILED";
  readonly failureCode?: string | undefined;
}

export interface ReplicatorOptions {
  readonly registry: Registry;
  /** The registry of another region this server serves (started on demand). */
  readonly destination: (region: string) => Promise<Registry>;
  readonly now: () => number;
  readonly logger: Logger;
  /** Ids of replication backfills (default: random UUIDs). */
  readonly newId?: () => string;
}

/**
 * Copies each image a client pushes to the regions the replication configuration names for its
 * repository, one copy at a time in push order. Copies in flight and failed ones are remembered here
 * (lost on restart); a completed copy is read from the destination itself, so it survives restarts.
 */
export class Replicator {
  private readonly pending = new Map<string, Map<string, DestinationStatus>>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** Copies of the images pushed before a rule existed (StartReplicationBackfill), through this replicator's queue. */
  readonly backfills: Backfills;

  constructor(private readonly options: ReplicatorOptions) {
    options.registry.onManifestPushed((pushed) => this.enqueue(pushed));
    const copier = { registry: options.registry, configuration: () => this.configuration(), copyTo: (r: string, repo: string, d: string) => this.copyTo(r, repo, d) };
    this.backfills = new Backfills({ copier, now: options.now, newId: options.newId ?? randomUUID });
  }

  /** The regions `repository` replicates to now and where `digest` stands in each. */
  async statusOf(repository: string, digest: string): Promise<DestinationStatus[]> {
    const known = this.pending.get(key(repository, digest)) ?? new Map<string, DestinationStatus>();
    const regions = new Set([...known.keys(), ...destinationsFor(await this.configuration(), repository)]);
    const out: DestinationStatus[] = [];
    for (const region of regions) {
      const status = known.get(region);
      if (status !== undefined) out.push(status);
      else if (await this.holds(region, repository, digest)) out.push({ region, status: "COMPLETE" });
    }
    return out;
  }

  /** Waits for the copies queued so far; no copy starts after. */
  async close(): Promise<void> {
    await this.backfills.close();
    this.closed = true;
    await this.queue;
  }

  private enqueue(pushed: ManifestPushed): void {
    if (this.closed) return;
    this.queue = this.queue.then(() => this.replicate(pushed)).catch((err: unknown) => this.options.logger.error({ err }, "replication failed"));
  }

  private async replicate({ repository, digest }: ManifestPushed): Promise<void> {
    const regions = destinationsFor(await this.configuration(), repository);
    if (regions.length === 0) return;
    const k = key(repository, digest);
    const statuses = this.pending.get(k) ?? new Map<string, DestinationStatus>();
    this.pending.set(k, statuses);
    for (const region of regions) statuses.set(region, { region, status: "IN_PROGRESS" });
    for (const region of regions) {
      const result = await this.copyOne(region, repository, digest);
      if (result.ok) statuses.delete(region);
      else statuses.set(region, { region, status: "FAILED", failureCode: result.failureCode });
    }
    if (statuses.size === 0) this.pending.delete(k);
  }

  /**
   * Copies one image to one region in turn with the pushes' copies (after those queued before it):
   * a replication backfill's step. Never rejects: a failure is its result.
   */
  copyTo(region: string, repository: string, digest: string): Promise<CopyResult> {
    const run = this.queue.then(() => this.copyOne(region, repository, digest));
    this.queue = run.then(() => undefined);
    return run;
  }

  private async copyOne(region: string, repository: string, digest: string): Promise<CopyResult> {
    try {
      const to = await this.options.destination(region);
      const result = await copyImage({ from: this.options.registry, to, repository, digest, nowMs: this.options.now() });
      if (!result.ok) this.options.logger.warn({ repository, digest, region, reason: result.reason }, "image replication failed");
      return result;
    } catch (err) {
      this.options.logger.error({ err, repository, digest, region }, "image replication failed");
      return { ok: false, failureCode: "INTERNAL_ERROR", reason: "the copy failed inside Berth" };
    }
  }

  /** The registry's replication configuration as stored. */
  async configuration() {
    return parseStoredReplication(await this.options.registry.metadata.getRegistrySetting("replication-configuration"));
  }

  private async holds(region: string, repository: string, digest: string): Promise<boolean> {
    const to = await this.options.destination(region);
    return (await to.metadata.getManifest(repository, { digest })) !== undefined;
  }
}

const key = (repository: string, digest: string) => `${repository}@${digest}`;
