import { createHash, randomUUID, type Hash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, truncate, unlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { digestHex } from "./digest.js";

/** A blob as the store sees it: the digest names the bytes; the mtime lets GC spare fresh uploads. */
export interface BlobInfo {
  readonly digest: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** An upload session: bytes received so far under `uploads/<id>/data`, for one repository. */
export interface UploadState {
  readonly id: string;
  readonly repository: string;
  /** Who started it (opaque to the store); undefined for sessions written before owners were recorded. */
  readonly owner: string | undefined;
  readonly offset: number;
  readonly startedAtMs: number;
  /** When the session was last written to or attempted: its data file's mtime, set from the store's clock. */
  readonly touchedAtMs: number;
}

/** What a chunk must satisfy; a chunk that fails any of these is undone, leaving the session as it was. */
export interface AppendOptions {
  /** The chunk's first byte (from Content-Range): must equal the bytes received so far. */
  readonly expectedStart?: number | undefined;
  /** The chunk's length (from Content-Range or Content-Length): any other count of bytes received is refused. */
  readonly expectedLength?: number | undefined;
  /**
   * Asked with the size of each piece before it is written. Once it says no, the rest of the body
   * is read and dropped (so that the client still gets an answer) and the chunk is undone.
   */
  readonly admit?: ((bytes: number) => boolean) | undefined;
}

/** What finishing an upload must satisfy: its final chunk's options, and what the blob's commit runs under. */
export interface CompleteOptions extends AppendOptions {
  /**
   * Runs the commit (the rename that makes the blob visible) and answers what it answered: the
   * registry runs it under its GC lock, shared, so that no collection's scan-to-deletion spans it
   * and deletes a blob re-uploaded meanwhile. Only the rename waits, not the upload's bytes.
   */
  readonly commitUnder?: (<T>(commit: () => Promise<T>) => Promise<T>) | undefined;
}

export type AppendResult =
  | { readonly ok: true; readonly offset: number }
  | { readonly ok: false; readonly reason: "unknown-upload" }
  | { readonly ok: false; readonly reason: "offset-mismatch"; readonly offset: number }
  | { readonly ok: false; readonly reason: "length-mismatch"; readonly offset: number; readonly expected: number; readonly received: number }
  | { readonly ok: false; readonly reason: "not-admitted"; readonly offset: number };

export type CompleteResult =
  | { readonly ok: true; readonly digest: string; readonly size: number }
  | { readonly ok: false; readonly reason: "unknown-upload" }
  | { readonly ok: false; readonly reason: "digest-mismatch"; readonly actual: string }
  /** The final chunk was refused (and undone), or another write to the session is in flight: the session is as it was. */
  | { readonly ok: false; readonly reason: "chunk-refused"; readonly chunk: Exclude<AppendResult, { ok: true } | { reason: "unknown-upload" }> };

export interface BlobStoreOptions {
  /** Root of the registry's data; blobs and upload sessions live beneath it, on one filesystem so renames are atomic. */
  readonly dataDir: string;
  readonly newUploadId?: () => string;
  readonly clock?: () => number;
}

/** Running hash of a session, valid while `offset` equals the data file's size. */
interface HashState {
  hash: Hash;
  offset: number;
}

const uploadIdPattern = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Content-addressed blobs on disk. A blob becomes visible only by `rename` of a fully written,
 * fsynced, digest-verified file, so a crash at any point leaves either no blob or the whole blob.
 * Bytes always flow as streams: nothing here holds a layer in memory.
 */
export class BlobStore {
  private readonly blobsDir: string;
  private readonly uploadsDir: string;
  private readonly newUploadId: () => string;
  private readonly clock: () => number;
  /** In-memory running hashes; after a restart they are gone and completion re-reads the data file instead. */
  private readonly hashes = new Map<string, HashState>();
  /** Sessions with a write in flight: a second concurrent write to one session is refused, not interleaved. */
  private readonly busy = new Set<string>();

  constructor(options: BlobStoreOptions) {
    this.blobsDir = join(options.dataDir, "blobs", "sha256");
    this.uploadsDir = join(options.dataDir, "uploads");
    this.newUploadId = options.newUploadId ?? randomUUID;
    this.clock = options.clock ?? Date.now;
  }

  /** Creates the directories; call once before use. */
  async init(): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true });
    await mkdir(this.uploadsDir, { recursive: true });
  }

  private blobPath(digest: string): string | undefined {
    const hex = digestHex(digest);
    return hex === undefined ? undefined : join(this.blobsDir, hex.slice(0, 2), hex);
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    const path = this.blobPath(digest);
    if (path === undefined) return undefined;
    try {
      const s = await stat(path);
      return { digest, size: s.size, mtimeMs: s.mtimeMs };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** A stream of the blob's bytes, `start`..`end` inclusive when given. The caller checks existence and bounds first. */
  read(digest: string, range?: { readonly start: number; readonly end: number }): Readable {
    const path = this.blobPath(digest);
    if (path === undefined) throw new Error(`not a digest: ${digest}`);
    return createReadStream(path, range);
  }

  /** Removes a blob; readers that already opened it finish reading (POSIX unlink semantics). */
  async delete(digest: string): Promise<boolean> {
    const path = this.blobPath(digest);
    if (path === undefined) return false;
    try {
      await unlink(path);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async list(): Promise<BlobInfo[]> {
    const out: BlobInfo[] = [];
    for (const prefix of await readdir(this.blobsDir)) {
      for (const hex of await readdir(join(this.blobsDir, prefix))) {
        const digest = `sha256:${hex}`;
        const info = await this.stat(digest);
        if (info !== undefined) out.push(info);
      }
    }
    return out;
  }

  async startUpload(repository: string, owner?: string): Promise<UploadState> {
    const id = this.newUploadId();
    const dir = join(this.uploadsDir, id);
    await mkdir(dir);
    const startedAtMs = this.clock();
    await writeFile(join(dir, "data"), "");
    await this.touch(join(dir, "data"));
    await writeFile(join(dir, "info.json"), JSON.stringify(owner === undefined ? { repository, startedAtMs } : { repository, owner, startedAtMs }));
    this.hashes.set(id, { hash: createHash("sha256"), offset: 0 });
    return { id, repository, owner, offset: 0, startedAtMs, touchedAtMs: startedAtMs };
  }

  /** Records activity on the session's clock, so that its idle time survives a restart. */
  private async touch(dataPath: string): Promise<void> {
    const nowSeconds = this.clock() / 1000;
    await utimes(dataPath, nowSeconds, nowSeconds);
  }

  async getUpload(id: string): Promise<UploadState | undefined> {
    if (!uploadIdPattern.test(id)) return undefined;
    const dir = join(this.uploadsDir, id);
    let info: unknown;
    let data: { size: number; mtimeMs: number };
    try {
      info = JSON.parse(await readFile(join(dir, "info.json"), "utf8"));
      data = await stat(join(dir, "data"));
    } catch (e) {
      if (isNotFound(e) || e instanceof SyntaxError) return undefined;
      throw e;
    }
    if (typeof info !== "object" || info === null) return undefined;
    const repository: unknown = "repository" in info ? info.repository : undefined;
    const startedAtMs: unknown = "startedAtMs" in info ? info.startedAtMs : undefined;
    const owner: unknown = "owner" in info ? info.owner : undefined;
    if (typeof repository !== "string" || typeof startedAtMs !== "number") return undefined;
    return { id, repository, owner: typeof owner === "string" ? owner : undefined, offset: data.size, startedAtMs, touchedAtMs: data.mtimeMs };
  }

  async listUploads(): Promise<UploadState[]> {
    const out: UploadState[] = [];
    for (const id of await readdir(this.uploadsDir)) {
      const u = await this.getUpload(id);
      if (u !== undefined) out.push(u);
    }
    return out;
  }

  /**
   * Appends a chunk that satisfies `options`. A chunk that does not, or whose body fails midway
   * (a client that dies), is undone: the data file is cut back to its previous size and the running
   * hash restored, so a session only ever holds whole accepted chunks.
   */
  async append(id: string, source: Readable, options: AppendOptions = {}): Promise<AppendResult> {
    const upload = await this.getUpload(id);
    if (upload === undefined) return { ok: false, reason: "unknown-upload" };
    const { expectedStart, expectedLength, admit } = options;
    if (expectedStart !== undefined && expectedStart !== upload.offset) {
      return { ok: false, reason: "offset-mismatch", offset: upload.offset };
    }
    if (this.busy.has(id)) return { ok: false, reason: "offset-mismatch", offset: upload.offset };
    this.busy.add(id);
    const state = this.hashes.get(id);
    const running = state !== undefined && state.offset === upload.offset ? state : undefined;
    if (running === undefined) this.hashes.delete(id);
    const hashBefore = running?.hash.copy();
    let received = 0;
    let stopped: "length-mismatch" | "not-admitted" | undefined;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (stopped === undefined && expectedLength !== undefined && received > expectedLength) stopped = "length-mismatch";
        if (stopped === undefined && admit !== undefined && !admit(chunk.length)) stopped = "not-admitted";
        if (stopped !== undefined) return done();
        running?.hash.update(chunk);
        done(null, chunk);
      },
    });
    const dataPath = join(this.uploadsDir, id, "data");
    const undo = async (): Promise<void> => {
      if (running !== undefined && hashBefore !== undefined) running.hash = hashBefore;
      await truncate(dataPath, upload.offset).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
    };
    try {
      await pipeline(source, tap, createWriteStream(dataPath, { flags: "a" }));
      if (stopped === undefined && expectedLength !== undefined && received !== expectedLength) stopped = "length-mismatch";
      if (stopped !== undefined) await undo();
      else if (running !== undefined) running.offset += received;
    } catch (e) {
      await undo().catch(() => this.hashes.delete(id));
      throw e;
    } finally {
      this.busy.delete(id);
      await this.touch(dataPath).catch(() => undefined);
    }
    if (stopped === "length-mismatch") return { ok: false, reason: stopped, offset: upload.offset, expected: expectedLength ?? received, received };
    if (stopped === "not-admitted") return { ok: false, reason: stopped, offset: upload.offset };
    return { ok: true, offset: upload.offset + received };
  }

  /**
   * Finishes an upload: appends `finalChunk` when given (under `chunkOptions`), makes the bytes
   * durable, verifies `expectedDigest` and only then renames the file into place. A digest mismatch
   * discards the session; a refused final chunk leaves it as it was.
   */
  async complete(id: string, expectedDigest: string, finalChunk?: Readable, options: CompleteOptions = {}): Promise<CompleteResult> {
    if (finalChunk !== undefined) {
      const appended = await this.append(id, finalChunk, options);
      if (!appended.ok) return appended.reason === "unknown-upload" ? appended : { ok: false, reason: "chunk-refused", chunk: appended };
    }
    const upload = await this.getUpload(id);
    if (upload === undefined) return { ok: false, reason: "unknown-upload" };
    if (this.busy.has(id)) return { ok: false, reason: "chunk-refused", chunk: { ok: false, reason: "offset-mismatch", offset: upload.offset } };
    const dataPath = join(this.uploadsDir, id, "data");
    const file = await open(dataPath, "r+");
    try {
      await file.sync();
    } finally {
      await file.close();
    }
    const state = this.hashes.get(id);
    const actual =
      state !== undefined && state.offset === upload.offset ? `sha256:${state.hash.digest("hex")}` : await hashFile(dataPath);
    this.hashes.delete(id);
    const target = this.blobPath(expectedDigest);
    if (actual !== expectedDigest || target === undefined) {
      await this.cancel(id);
      return { ok: false, reason: "digest-mismatch", actual };
    }
    const dir = join(target, "..");
    await mkdir(dir, { recursive: true });
    const commit = async () => {
      // The blob's age, which GC's grace period reads, is on the injected clock rather than the filesystem's.
      const nowSeconds = this.clock() / 1000;
      await utimes(dataPath, nowSeconds, nowSeconds);
      await rename(dataPath, target);
    };
    await (options.commitUnder ? options.commitUnder(commit) : commit());
    await syncDir(dir);
    await rm(join(this.uploadsDir, id), { recursive: true, force: true });
    return { ok: true, digest: expectedDigest, size: upload.offset };
  }

  async cancel(id: string): Promise<boolean> {
    if (!uploadIdPattern.test(id)) return false;
    this.hashes.delete(id);
    const existed = (await this.getUpload(id)) !== undefined;
    await rm(join(this.uploadsDir, id), { recursive: true, force: true });
    return existed;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return `sha256:${hash.digest("hex")}`;
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === "object" && e !== null && "code" in e && (e.code === "ENOENT" || e.code === "ENOTDIR");
}
