import type { Registry } from "../registry.js";
import { parseManifest, requiredManifests } from "../manifest.js";
import type { CopyResult } from "./copy-image.js";
import { destinationsFor, type Replication } from "./config.js";

export type BackfillStatus = "PREPARING" | "IN_PROGRESS" | "STOPPING" | "COMPLETE" | "FAILED" | "STOPPED";
const terminal: readonly BackfillStatus[] = ["COMPLETE", "FAILED", "STOPPED"];
export const isTerminal = (s: BackfillStatus): boolean => terminal.includes(s);

export interface BackfillResult {
  readonly repository: string;
  readonly digest: string;
  readonly tag?: string | undefined;
  readonly status: "COMPLETE" | "FAILED";
  readonly failureCode?: string | undefined;
}

/** A backfill as the API reports it; a snapshot (the run goes on). */
export interface Backfill {
  readonly id: string;
  readonly region: string;
  readonly status: BackfillStatus;
  readonly startedAtMs: number;
  readonly endedAtMs?: number | undefined;
  readonly failureCode?: string | undefined;
  readonly total: number;
  readonly results: readonly BackfillResult[];
}

/** What a backfill needs of the replicator (kept as an interface so that the replicator can own the backfills). */
export interface BackfillCopier {
  readonly registry: Registry;
  configuration(): Promise<Replication>;
  copyTo(region: string, repository: string, digest: string): Promise<CopyResult>;
}

export type StartResult = { readonly ok: true; readonly backfill: Backfill } | { readonly ok: false; readonly reason: "not-a-destination" | "in-progress"; readonly id?: string };
export type StopResult = { readonly ok: true; readonly backfill: Backfill } | { readonly ok: false; readonly reason: "not-found" } | { readonly ok: false; readonly reason: "terminal"; readonly status: BackfillStatus };

interface Running {
  record: Backfill;
  stop: boolean;
}

/**
 * Replication backfills: copies of the images already in the repositories a replication rule sends
 * to a region, made through the replicator's own queue (so a backfill and the pushes' copies never
 * race). One at a time per destination region. Kept in memory: a restart forgets them (and ends
 * a running one; what it copied stays copied and DescribeImageReplicationStatus shows it).
 */
export class Backfills {
  private readonly all = new Map<string, Running>();
  private readonly runs = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: { readonly copier: BackfillCopier; readonly now: () => number; readonly newId: () => string }) {}

  async start(region: string): Promise<StartResult> {
    if (!destinationsForAny(await this.options.copier.configuration()).has(region)) return { ok: false, reason: "not-a-destination" };
    const busy = [...this.all.values()].find((b) => b.record.region === region && !isTerminal(b.record.status));
    if (busy !== undefined) return { ok: false, reason: "in-progress", id: busy.record.id };
    const running: Running = { record: { id: this.options.newId(), region, status: "PREPARING", startedAtMs: this.options.now(), total: 0, results: [] }, stop: false };
    this.all.set(running.record.id, running);
    const backfill = running.record;
    if (this.closed) this.end(running, "STOPPED");
    else {
      const run = this.run(running).catch(() => this.end(running, "FAILED", "INTERNAL_ERROR"));
      this.runs.add(run);
      void run.finally(() => this.runs.delete(run));
    }
    return { ok: true, backfill };
  }

  stop(id: string): StopResult {
    const b = this.all.get(id);
    if (b === undefined) return { ok: false, reason: "not-found" };
    if (isTerminal(b.record.status)) return { ok: false, reason: "terminal", status: b.record.status };
    b.stop = true;
    b.record = { ...b.record, status: "STOPPING" };
    return { ok: true, backfill: b.record };
  }

  get(id: string): Backfill | undefined {
    return this.all.get(id)?.record;
  }

  /** Every backfill, newest first. */
  list(): Backfill[] {
    return [...this.all.values()].map((b) => b.record).sort((a, b) => b.startedAtMs - a.startedAtMs || (a.id < b.id ? -1 : 1));
  }

  /** Stops every running backfill and waits for them to end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const b of this.all.values()) if (!isTerminal(b.record.status)) b.stop = true;
    await Promise.all([...this.runs]);
  }

  private async run(b: Running): Promise<void> {
    const { copier } = this.options;
    const images = await imagesToCopy(copier.registry, destinationsOf(await copier.configuration(), b.record.region));
    b.record = { ...b.record, status: b.stop ? "STOPPING" : "IN_PROGRESS", total: images.length };
    const results: BackfillResult[] = [];
    for (const image of images) {
      if (b.stop) break;
      const r = await copier.copyTo(b.record.region, image.repository, image.digest);
      results.push({ ...image, status: r.ok ? "COMPLETE" : "FAILED", ...(!r.ok && { failureCode: r.failureCode }) });
      b.record = { ...b.record, results: [...results] };
    }
    this.end(b, b.stop ? "STOPPED" : "COMPLETE");
  }

  private end(b: Running, status: BackfillStatus, failureCode?: string): void {
    b.record = { ...b.record, status, endedAtMs: this.options.now(), ...(failureCode !== undefined && { failureCode }) };
  }
}

const destinationsForAny = (c: Replication): Set<string> => new Set(c.rules.flatMap((r) => r.regions));
/** Which repositories replicate to `region`: a test per repository name. */
const destinationsOf = (c: Replication, region: string) => (repository: string) => destinationsFor(c, repository).includes(region);

/** The images (top-level manifests: an index's children travel with it) of every repository `matches` accepts, oldest push first. */
async function imagesToCopy(registry: Registry, matches: (repository: string) => boolean): Promise<{ repository: string; digest: string; tag?: string }[]> {
  const out: { repository: string; digest: string; tag?: string }[] = [];
  let after: string | undefined;
  do {
    const page = await registry.metadata.listRepositories({ limit: 100, ...(after !== undefined && { after }) });
    for (const repo of page.items.filter((r) => matches(r.name))) {
      const manifests = await registry.metadata.listManifests(repo.name);
      const children = new Set(manifests.flatMap((m) => {
        const parsed = parseManifest(m.content, m.mediaType);
        return parsed.ok ? requiredManifests(parsed.manifest) : [];
      }));
      for (const m of manifests) if (!children.has(m.digest)) out.push({ repository: repo.name, digest: m.digest, ...(m.tags[0] !== undefined && { tag: m.tags[0] }) });
    }
    after = page.nextAfter;
  } while (after !== undefined);
  return out;
}
