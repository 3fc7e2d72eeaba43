import type { Database, Statement } from "better-sqlite3";
import type { ChangeSource } from "../change-log.js";
import { ChangesTrimmedError, type Change, type LoggedChange } from "../changes.js";
import type { ReadBack } from "../read-back.js";

/** What a repository's save calls to log the record it saved, in the same transaction. */
export interface ChangeRecorder {
  append(change: Change, key: string): void;
}

interface ChangeRow {
  revision: number;
  kind: Change["kind"];
  key: string;
}


/**
 * The change log table (migration 7): one row per saved cluster, instance, task or service, its
 * revision an AUTOINCREMENT key, so revisions only grow even across trims and restarts. A row holds
 * the kind and key, not the record a second time: live subscribers get the record as saved (in
 * memory), and a read back gets the record as it is now (newer, if it changed again since, and
 * none if it is gone), which is what a subscriber catching up acts on. Appends go through the
 * writer connection inside the write's savepoint; what the open transaction appended is `pending`
 * until the store commits it (or rolls part of it back). Reads use the reader connection.
 */
export class SqliteChangeTable implements ChangeRecorder, ChangeSource {
  /** Appended by the transaction in progress, oldest first; the store hands them on after the commit. */
  private pending: LoggedChange[] = [];
  private readonly insertStmt: Statement<[string, string]>;
  private readonly trimStmt: Statement<[number]>;
  private readonly sinceStmt: Statement<[number, number], ChangeRow>;
  private readonly headStmt: Statement<[], { seq: number }>;
  private readonly writerHeadStmt: Statement<[], { seq: number }>;
  private readonly oldestStmt: Statement<[], { revision: number | null }>;
  /** The revision below which rows may be gone; checked before a read back. */
  private trimmedThrough: number;

  constructor(
    writer: Database,
    reader: Database,
    /** How many of the newest changes are kept for subscribers to resume from. */
    private readonly keep: number,
    private readonly readBack: ReadBack,
  ) {
    this.insertStmt = writer.prepare("INSERT INTO change_log (kind, key) VALUES (?, ?)");
    this.trimStmt = writer.prepare("DELETE FROM change_log WHERE revision <= ?");
    this.sinceStmt = reader.prepare("SELECT revision, kind, key FROM change_log WHERE revision > ? ORDER BY revision LIMIT ?");
    this.headStmt = reader.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'");
    this.writerHeadStmt = writer.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'");
    this.oldestStmt = reader.prepare("SELECT min(revision) AS revision FROM change_log");
    const oldest = this.oldestStmt.get()?.revision;
    this.trimmedThrough = oldest === null || oldest === undefined ? this.headNow() : oldest - 1;
  }

  /** Logs a saved record under its key (a cluster's name, an ARN, `cluster/name` for a service). */
  append(change: Change, key: string): void {
    const revision = Number(this.insertStmt.run(change.kind, key).lastInsertRowid);
    this.pending.push({ ...change, revision });
  }

  /**
   * What the open transaction appended so far (including earlier writes of its batch). The array
   * only grows while it is the same array: a rollback or a commit replaces it.
   */
  uncommitted(): readonly LoggedChange[] {
    return this.pending;
  }

  /** A point to roll back to: the savepoint of one write. */
  mark(): number {
    return this.pending.length;
  }
  rolledBackTo(mark: number): void {
    // A new array, not a shorter one: a reader that remembered how far it had read sees the change.
    if (mark < this.pending.length) this.pending = this.pending.slice(0, mark);
  }

  /** Before the commit: forgets the oldest rows beyond `keep`, a tenth of `keep` at a time. */
  trim(): void {
    const newest = this.pending[this.pending.length - 1]?.revision;
    if (newest === undefined || newest - this.trimmedThrough <= this.keep + Math.ceil(this.keep / 10)) return;
    this.trimmedThrough = newest - this.keep;
    this.trimStmt.run(this.trimmedThrough);
  }

  /** After the commit (or its failure): the appended changes, handed over once. */
  takePending(): LoggedChange[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** The newest revision the open transaction sees (its own appends included, and other connections' commits). */
  headInTransaction(): number {
    return this.writerHeadStmt.get()?.seq ?? 0;
  }

  headNow(): number {
    return this.headStmt.get()?.seq ?? 0;
  }

  head(): Promise<number> {
    return Promise.resolve(this.headNow());
  }

  async since(revision: number, limit: number): Promise<readonly LoggedChange[]> {
    if (revision < this.trimmedThrough) throw new ChangesTrimmedError(revision, this.trimmedThrough + 1);
    const changes: LoggedChange[] = [];
    for (const row of this.sinceStmt.all(revision, limit)) {
      const change = await this.readBack(row.kind, row.key);
      if (change) changes.push({ ...change, revision: row.revision });
    }
    return changes;
  }
}

