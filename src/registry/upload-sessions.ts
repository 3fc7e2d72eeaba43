import type { Readable } from "node:stream";
import { legacyPrincipal } from "./auth-token.js";
import type { AppendOptions, AppendResult, BlobStore, CompleteResult, UploadState } from "./blob-store.js";
import { admitBytes, admitSession, idleSessions, type LimitRefusal, type PrincipalUsage, type UploadLimits } from "./upload-limits.js";

/** What the ledger knows of one open session. */
interface Entry {
  readonly principal: string;
  /** Bytes on disk, plus those of a chunk streaming in (counted as they arrive, so that limits hold mid-chunk). */
  bytes: number;
  touchedAtMs: number;
  writing: number;
}

/** A chunk's constraints from the request; the ledger adds its own admission. */
export type ChunkOptions = Pick<AppendOptions, "expectedStart" | "expectedLength">;

export type StartResult = { readonly ok: true; readonly upload: UploadState } | LimitRefusal;
export type ChunkResult = AppendResult | (LimitRefusal & { readonly reason: "limit"; readonly offset: number });
export type FinishResult = CompleteResult | (LimitRefusal & { readonly reason: "limit"; readonly offset: number });

/**
 * Upload sessions with their owners' limits enforced: the one way the distribution API starts,
 * feeds, finishes and cancels sessions. The bytes live in the {@link BlobStore}; this keeps, in
 * memory, who holds each open session, how many bytes and when it was last touched, loaded from the
 * store on first use (so limits and idle times survive a restart). Sessions from before owners were
 * recorded belong to {@link legacyPrincipal}.
 */
export class UploadSessions {
  private readonly entries = new Map<string, Entry>();
  /** Sessions being created, by principal: counted against the limit before the store has made them. */
  private readonly starting = new Map<string, number>();
  private loading: Promise<void> | undefined;

  constructor(
    private readonly blobs: BlobStore,
    readonly limits: UploadLimits,
    private readonly clock: () => number,
    /** What each blob's commit runs under (BlobStore `CompleteOptions.commitUnder`). */
    private readonly commitUnder?: <T>(commit: () => Promise<T>) => Promise<T>,
  ) {}

  private ready(): Promise<void> {
    this.loading ??= this.load().catch((e: unknown) => {
      this.loading = undefined;
      throw e;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    for (const u of await this.blobs.listUploads()) {
      if (!this.entries.has(u.id)) this.entries.set(u.id, { principal: u.owner ?? legacyPrincipal, bytes: u.offset, touchedAtMs: u.touchedAtMs, writing: 0 });
    }
  }

  /** What `principal`'s open sessions hold now. */
  usage(principal: string): PrincipalUsage {
    let sessions = this.starting.get(principal) ?? 0;
    let bytes = 0;
    for (const e of this.entries.values()) {
      if (e.principal !== principal) continue;
      sessions += 1;
      bytes += e.bytes;
    }
    return { sessions, bytes };
  }

  /** Opens a session for `principal` unless that would pass its session limit. Idle sessions are swept first. */
  async start(repository: string, principal: string): Promise<StartResult> {
    await this.ready();
    await this.sweep();
    const verdict = admitSession(principal, this.usage(principal), this.limits);
    if (!verdict.ok) return verdict;
    this.starting.set(principal, (this.starting.get(principal) ?? 0) + 1);
    try {
      const upload = await this.blobs.startUpload(repository, principal);
      this.entries.set(upload.id, { principal, bytes: 0, touchedAtMs: upload.touchedAtMs, writing: 0 });
      return { ok: true, upload };
    } finally {
      const n = (this.starting.get(principal) ?? 1) - 1;
      if (n === 0) this.starting.delete(principal);
      else this.starting.set(principal, n);
    }
  }

  /**
   * The session, unless unknown, idle past the timeout (then it is removed), or opened by another
   * principal: a session is its owner's alone, whoever else learns its id. Asking does not touch it.
   */
  async get(id: string, principal: string): Promise<UploadState | undefined> {
    const entry = await this.live(id);
    return entry === undefined || entry.principal !== principal ? undefined : this.blobs.getUpload(id);
  }

  /** Appends a chunk within the owner's byte limit; any refusal leaves the session as it was. */
  async append(id: string, source: Readable, options: ChunkOptions = {}): Promise<ChunkResult> {
    const entry = await this.live(id);
    if (entry === undefined) return { ok: false, reason: "unknown-upload" };
    const gate = this.gate(entry, options.expectedLength);
    if (gate.refused !== undefined) return { ...gate.refused, reason: "limit", offset: entry.bytes };
    const r = await this.track(id, entry, () => this.blobs.append(id, source, { ...options, admit: gate.admit }));
    this.settle(id, entry, r.ok || r.reason !== "unknown-upload" ? r.offset : undefined);
    const refusal = gate.refusal();
    return !r.ok && r.reason === "not-admitted" && refusal !== undefined ? { ...refusal, reason: "limit", offset: r.offset } : r;
  }

  /** Appends the final chunk (if any) within the byte limit, then verifies and commits the blob. */
  async complete(id: string, digest: string, finalChunk?: Readable, options: ChunkOptions = {}): Promise<FinishResult> {
    const entry = await this.live(id);
    if (entry === undefined) return { ok: false, reason: "unknown-upload" };
    const gate = this.gate(entry, options.expectedLength);
    if (gate.refused !== undefined) return { ...gate.refused, reason: "limit", offset: entry.bytes };
    const r = await this.track(id, entry, () => this.blobs.complete(id, digest, finalChunk, { ...options, admit: gate.admit, commitUnder: this.commitUnder }));
    const refused = !r.ok && r.reason === "chunk-refused" ? r.chunk : undefined;
    this.settle(id, entry, refused?.offset);
    const refusal = gate.refusal();
    return refused?.reason === "not-admitted" && refusal !== undefined ? { ...refusal, reason: "limit", offset: refused.offset } : r;
  }

  async cancel(id: string): Promise<boolean> {
    await this.ready();
    this.entries.delete(id);
    return this.blobs.cancel(id);
  }

  /** Removes every session idle past the timeout; returns their ids. */
  async sweep(): Promise<string[]> {
    await this.ready();
    const activity = [...this.entries].map(([id, e]) => ({ id, touchedAtMs: e.touchedAtMs, writing: e.writing > 0 }));
    const idle = idleSessions(activity, this.clock(), this.limits.idleTimeoutMs);
    for (const id of idle) await this.cancel(id);
    return idle;
  }

  private async live(id: string): Promise<Entry | undefined> {
    await this.ready();
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (idleSessions([{ id, touchedAtMs: entry.touchedAtMs, writing: entry.writing > 0 }], this.clock(), this.limits.idleTimeoutMs).length > 0) {
      await this.cancel(id);
      return undefined;
    }
    return entry;
  }

  /**
   * Admission by the owner's byte limit: refused up front when a declared length cannot fit,
   * otherwise each piece is counted as it arrives and the first that cannot fit stops the chunk.
   */
  private gate(entry: Entry, declaredLength: number | undefined): { refused?: LimitRefusal; admit: (bytes: number) => boolean; refusal: () => LimitRefusal | undefined } {
    const principal = entry.principal;
    let refusal: LimitRefusal | undefined;
    const admit = (bytes: number): boolean => {
      const verdict = admitBytes(principal, this.usage(principal), bytes, this.limits);
      if (!verdict.ok) {
        refusal = verdict;
        return false;
      }
      entry.bytes += bytes;
      entry.touchedAtMs = this.clock();
      return true;
    };
    const upFront = declaredLength === undefined ? { ok: true as const } : admitBytes(principal, this.usage(principal), declaredLength, this.limits);
    return { ...(upFront.ok ? {} : { refused: upFront }), admit, refusal: () => refusal };
  }

  /** Marks the session in use while `write` runs (the idle sweep spares it); on a failure, re-reads its offset. */
  private async track<T>(id: string, entry: Entry, write: () => Promise<T>): Promise<T> {
    entry.writing += 1;
    entry.touchedAtMs = this.clock();
    try {
      return await write();
    } catch (e) {
      // The store undid the chunk; the ledger learns the offset again from the disk.
      const now = await this.blobs.getUpload(id).catch(() => undefined);
      this.settle(id, entry, now?.offset);
      throw e;
    } finally {
      entry.writing -= 1;
      entry.touchedAtMs = this.clock();
    }
  }

  /** Records the session's bytes after a write, or forgets it when it is gone (completed, discarded, cancelled). */
  private settle(id: string, entry: Entry, offset: number | undefined): void {
    if (offset === undefined) this.entries.delete(id);
    else if (this.entries.get(id) === entry) entry.bytes = offset;
  }
}
