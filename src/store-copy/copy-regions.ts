import { migrations as sqliteMigrations } from "../state/sqlite/migrations.js";
import { PostgresTarget } from "./postgres-target.js";
import { StoreCopyRefusal } from "./refusal.js";
import type { RegionFiles } from "./regions-on-disk.js";
import { SqliteSource } from "./sqlite-source.js";
import { sourceExpression, tableCopies, type SourceFile, type TableCopy } from "./tables.js";
import { toPostgres } from "./values.js";

/** What one region's copy put where. */
export interface RegionCopied {
  readonly region: string;
  readonly schema: string;
  readonly tables: number;
  readonly rows: number;
  /** The change log's revision the PostgreSQL store goes on from. */
  readonly revision: bigint;
}

/** Where each table's copy is told (cli/progress.ts: a line per table, and a heartbeat while a long one goes). */
export interface TableProgress {
  count<T>(label: string, total: number, unit: string, run: (advance: (n: number) => void) => Promise<T>): Promise<T>;
}

export interface CopyOptions {
  readonly progress: TableProgress;
  /** The moment of the copy (agents connected at the SQLite server's stop are recorded away since then). */
  readonly copiedAtMs: number;
}

/** Rows per statement, and fewer when their values pass about this many bytes (a log message may be 256 KiB). */
const rowsPerStatement = 1000;
const maxBatchBytes = 8 * 1024 * 1024;

interface OpenRegion {
  readonly files: RegionFiles;
  readonly sources: Readonly<Record<SourceFile, SqliteSource | undefined>>;
}

/**
 * Copies every region's SQLite files into its schema of the PostgreSQL database at `url`, all in one
 * transaction: every region is copied, or (on a refusal or a failure) nothing is written at all.
 * Refuses when a server still uses a file, when a file's schema is not this Berth's, and when a
 * target schema already holds state or a server runs on it. Rows go table by table, read one at a
 * time and inserted many per statement, so a region of any size never sits in memory.
 */
export async function copyRegions(regions: readonly RegionFiles[], url: string, options: CopyOptions): Promise<RegionCopied[]> {
  const open: OpenRegion[] = [];
  try {
    for (const files of regions) open.push({ files, sources: { store: SqliteSource.open(files.store), registry: files.registry === undefined ? undefined : SqliteSource.open(files.registry) } });
    for (const r of open) checkSources(r);
    const target = await PostgresTarget.begin(url);
    try {
      await refuseOccupiedTargets(target, open);
      const copied: RegionCopied[] = [];
      for (const r of open) copied.push(await copyRegion(target, r, options));
      await target.commit();
      return copied;
    } finally {
      await target.end();
    }
  } finally {
    for (const r of open) for (const s of Object.values(r.sources)) s?.close();
  }
}

/** The tables a region copies: the registry's only when it has a registry file. */
const tablesOf = (r: OpenRegion): TableCopy[] => tableCopies.filter((t) => r.sources[t.file] !== undefined);

/** Refuses files whose schema is not the one the copy knows: an older Berth's (not yet migrated) or a newer one's. */
function checkSources(r: OpenRegion): void {
  const store = r.sources.store!;
  const latest = sqliteMigrations[sqliteMigrations.length - 1]!.version;
  const version = store.userVersion();
  if (version !== latest) {
    const fix = version < latest ? "start this Berth's server on the data directory once (it brings the file up to date), stop it, then copy" : "copy with the Berth that wrote it";
    throw new StoreCopyRefusal("schema-version", `${store.path} is at schema version ${version}, this Berth copies version ${latest}: ${fix}.`);
  }
  for (const t of tablesOf(r)) {
    const source = r.sources[t.file]!;
    const columns = source.columns(t.from);
    const missing = t.columns.filter((c) => c.from === undefined && !columns?.includes(c.name)).map((c) => c.name);
    if (columns === undefined || missing.length > 0) {
      throw new StoreCopyRefusal(
        "schema-version",
        `${source.path} lacks ${columns === undefined ? `the table ${t.from}` : `${t.from}.${missing.join(", ")}`}: start this Berth's server on the data directory once (it brings the file up to date), stop it, then copy.`,
      );
    }
  }
}

/** Migrates every target schema (in the transaction), then refuses if any of them holds state or is in use. */
async function refuseOccupiedTargets(target: PostgresTarget, open: readonly OpenRegion[]): Promise<void> {
  const occupied: string[] = [];
  for (const r of open) {
    await target.enter(r.files.schema);
    if (await target.leaderLeaseHeld()) {
      throw new StoreCopyRefusal("target-in-use", `a Berth server is running on the database (it holds the lease of schema ${r.files.schema}): stop the servers on it first.`);
    }
    // Every table a freshly migrated schema leaves empty: those the copy fills, and the replicas' (a server ran there).
    const held = await target.holdingState([...tableCopies.map((t) => t.to), "replicas"]);
    if (held.length > 0) occupied.push(`schema ${r.files.schema} (${r.files.region}) holds ${held.slice(0, 5).join(", ")}${held.length > 5 ? ", …" : ""}`);
  }
  if (occupied.length > 0) {
    throw new StoreCopyRefusal(
      "target-holds-state",
      `the database already holds Berth state: ${occupied.join("; ")}. The copy only fills empty schemas, and wrote nothing: give an empty database, or drop those schemas first.`,
    );
  }
}

async function copyRegion(target: PostgresTarget, r: OpenRegion, options: CopyOptions): Promise<RegionCopied> {
  await target.enter(r.files.schema);
  let rows = 0;
  let revision = 0n;
  const tables = tablesOf(r);
  for (const t of tables) {
    const label = `${r.files.region} ${t.to}`;
    try {
      const copied = await copyTable(target, r.sources[t.file]!, t, label, options);
      rows += copied.rows;
      if (t.numbering?.by === "change-head") revision = copied.last;
    } catch (err) {
      throw new Error(`copying ${label} failed, and nothing was written: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return { region: r.files.region, schema: r.files.schema, tables: tables.length, rows, revision };
}

/** Copies one table in statements of many rows; returns how many, and the last number of its numbered key. */
async function copyTable(target: PostgresTarget, source: SqliteSource, t: TableCopy, label: string, { progress, copiedAtMs }: CopyOptions): Promise<{ rows: number; last: bigint }> {
  const key = t.numbering === undefined ? -1 : t.columns.findIndex((c) => c.name === t.numbering!.column);
  let last = t.numbering === undefined ? 0n : source.lastAutoincrement(t.from);
  const total = source.count(t.from);
  // An empty table says nothing (most are, in a small region); its numbering goes on all the same.
  if (total > 0) {
    const select = `SELECT ${t.columns.map((c) => sourceExpression(c, { copiedAtMs })).join(", ")} FROM ${t.from}`;
    await progress.count(label, total, "rows", async (advance) => {
      let batch: unknown[][] = [];
      let bytes = 0;
      const flush = async () => {
        await target.insert(t, batch);
        advance(batch.length);
        batch = [];
        bytes = 0;
      };
      for (const row of source.rows(select)) {
        const k = row[key];
        if (typeof k === "bigint" && k > last) last = k;
        batch.push(row.map((v, i) => converted(t, i, v)));
        bytes += row.reduce<number>((n, v) => n + sizeOf(v), 0);
        if (batch.length >= rowsPerStatement || bytes >= maxBatchBytes) await flush();
      }
      if (batch.length > 0) await flush();
    });
  }
  if (t.numbering !== undefined) await target.continueNumbering(t, t.numbering, last);
  return { rows: total, last };
}

function converted(t: TableCopy, i: number, value: unknown): unknown {
  const c = t.columns[i]!;
  try {
    return toPostgres(c.type, value);
  } catch (err) {
    throw new Error(`${t.from}.${c.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

const sizeOf = (v: unknown): number => (typeof v === "string" ? v.length * 2 : Buffer.isBuffer(v) ? v.length : 8);
