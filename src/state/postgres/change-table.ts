import type { ChangeSource } from "../change-log.js";
import { ChangesTrimmedError, type Change, type LoggedChange } from "../changes.js";
import type { ReadBack } from "../read-back.js";
import type { Sql } from "./sql.js";

/** What a repository's save calls to log the record it saved, in the same transaction. */
export interface ChangeRecorder {
  append(change: Change, key: string): Promise<void>;
}

interface ChangeRow {
  revision: number;
  kind: Change["kind"];
  key: string;
}


/**
 * The change log table of the PostgreSQL store, as sqlite/change-table.ts is SQLite's: one row per
 * save (kind and key; a read back gets the record as it is now). Revisions come from the one-row
 * `change_head`, bumped in the writing transaction: every write holds the store's write lock, so
 * revisions are handed out in commit order across all replicas, and a save rolled back to its
 * savepoint hands its number back. That is what lets a replica follow the others by reading the
 * rows after the last revision it has seen, and never skip one that commits late.
 */
export class PostgresChangeTable implements ChangeRecorder, ChangeSource {
  /** Appended by the transaction in progress, oldest first; the store hands them on after the commit. */
  private pending: LoggedChange[] = [];
  /** The key of each pending change (a read back gets the record by it). */
  private pendingKeys: string[] = [];
  /** The head the open transaction started from (read under the write lock). */
  private headAtBegin = 0;

  constructor(
    /** The writer connection, inside the store's transaction. */
    private readonly writer: Sql,
    /** The read pool. */
    private readonly reader: Sql,
    /** How many of the newest changes are kept for subscribers to resume from. */
    private readonly keep: number,
    private readonly readBack: ReadBack,
  ) {}

  /** At the start of a transaction, under the write lock: where its revisions continue from. */
  async begin(): Promise<void> {
    this.headAtBegin = await headOf(this.writer);
  }

  /**
   * Numbers the change, and keeps it for `writePending` at the end of the transaction: its revision
   * is the next after the transaction's newest (the store's write lock is held), so the save costs
   * no round trip to the database of its own.
   */
  append(change: Change, key: string): Promise<void> {
    this.pending.push({ ...change, revision: this.headInTransaction() + 1 });
    this.pendingKeys.push(key);
    return Promise.resolve();
  }

  /**
   * Before the commit: the transaction's changes and the new head in one statement, then the
   * oldest rows beyond `keep` forgotten, a tenth of `keep` at a time.
   */
  async writePending(): Promise<void> {
    const newest = this.pending[this.pending.length - 1]?.revision;
    if (newest === undefined) return;
    await this.writer.run(
      `WITH head AS (UPDATE change_head SET revision = $1 WHERE id = 1)
       INSERT INTO change_log (revision, kind, key) SELECT * FROM unnest($2::bigint[], $3::text[], $4::text[])`,
      [newest, this.pending.map((c) => c.revision), this.pending.map((c) => c.kind), this.pendingKeys],
    );
    const step = Math.max(1, Math.ceil(this.keep / 10));
    if (Math.floor(newest / step) > Math.floor(this.headAtBegin / step)) await this.writer.run("DELETE FROM change_log WHERE revision <= $1", [newest - this.keep]);
  }

  /** What the open transaction appended so far (see sqlite/change-table.ts: the array only grows while it is the same array). */
  uncommitted(): readonly LoggedChange[] {
    return this.pending;
  }

  mark(): number {
    return this.pending.length;
  }
  rolledBackTo(mark: number): void {
    if (mark < this.pending.length) {
      this.pending = this.pending.slice(0, mark);
      this.pendingKeys = this.pendingKeys.slice(0, mark);
    }
  }

  takePending(): LoggedChange[] {
    const taken = this.pending;
    this.pending = [];
    this.pendingKeys = [];
    return taken;
  }

  /** The newest revision the open transaction sees: its own last append, or the head it started from. */
  headInTransaction(): number {
    return this.pending[this.pending.length - 1]?.revision ?? this.headAtBegin;
  }

  head(): Promise<number> {
    return headOf(this.reader);
  }

  async since(revision: number, limit: number): Promise<readonly LoggedChange[]> {
    // One statement, so one snapshot: the head and the rows after `revision` as of the same moment.
    const rows = await this.reader.rows<{ head: number } & { [K in keyof ChangeRow]: ChangeRow[K] | null }>(
      `SELECT h.revision AS head, c.revision, c.kind, c.key FROM change_head h LEFT JOIN LATERAL
         (SELECT revision, kind, key FROM change_log WHERE revision > $1 ORDER BY revision LIMIT $2) c ON true`,
      [revision, limit],
    );
    const head = rows[0]?.head ?? 0;
    const first = rows[0]?.revision ?? null;
    // Revisions have no gaps: a missing successor of `revision` below the head was trimmed.
    if (revision < head && first !== revision + 1) throw new ChangesTrimmedError(revision, first ?? head + 1);
    const changes: LoggedChange[] = [];
    for (const row of rows) {
      if (row.revision === null || row.kind === null || row.key === null) continue;
      const change = await this.readBack(row.kind, row.key);
      if (change) changes.push({ ...change, revision: row.revision });
    }
    return changes;
  }
}

const headOf = async (sql: Sql): Promise<number> => (await sql.row<{ revision: number }>("SELECT revision FROM change_head WHERE id = 1"))?.revision ?? 0;
