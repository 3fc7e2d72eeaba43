import Sqlite, { type Database } from "better-sqlite3";
import { StoreCopyRefusal } from "./refusal.js";

/**
 * One SQLite file of a stopped server, read for the copy. It is opened in SQLite's exclusive
 * locking mode and held in one exclusive transaction until closed: a server that has the file open
 * (its connections hold a shared lock for as long as they are open, in WAL mode) makes the open
 * fail at once, and a server started during the copy cannot open it. Every table is read in that
 * one transaction, so the copy is of one moment. Nothing is written to the file (on close SQLite
 * folds its write-ahead log into it, as the server's own close does).
 */
export class SqliteSource {
  private constructor(
    private readonly db: Database,
    readonly path: string,
  ) {}

  static open(path: string): SqliteSource {
    const db = new Sqlite(path, { fileMustExist: true, timeout: 0 });
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.exec("BEGIN EXCLUSIVE");
    } catch (err) {
      db.close();
      if ((err as { code?: unknown }).code === "SQLITE_BUSY") {
        throw new StoreCopyRefusal("server-running", `a Berth server is using ${path}: stop it first (the copy reads the files of a stopped server, all at one moment).`);
      }
      throw err;
    }
    return new SqliteSource(db, path);
  }

  /** The schema version the store's migrations recorded (`PRAGMA user_version`). */
  userVersion(): number {
    return Number(this.db.pragma("user_version", { simple: true }));
  }

  /** The table's columns, or undefined when there is no such table. */
  columns(table: string): string[] | undefined {
    const rows = this.db.prepare<[string], { name: string }>("SELECT name FROM pragma_table_info(?)").all(table);
    return rows.length === 0 ? undefined : rows.map((r) => r.name);
  }

  count(table: string): number {
    return Number(this.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  }

  /** The last number an AUTOINCREMENT table handed out (0 when none, or when the table counts none). */
  lastAutoincrement(table: string): bigint {
    if (this.columns("sqlite_sequence") === undefined) return 0n;
    const seq = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?").pluck().safeIntegers(true).get(table);
    return typeof seq === "bigint" ? seq : 0n;
  }

  /** The rows of `select`, one array of values each, read one at a time (integers as bigints, exact). */
  rows(select: string): IterableIterator<unknown[]> {
    return this.db.prepare(select).raw(true).safeIntegers(true).iterate() as IterableIterator<unknown[]>;
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    this.db.close();
  }
}
