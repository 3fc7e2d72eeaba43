import pg from "pg";
import type { ReadersWriterLock } from "./rw-lock.js";

/**
 * The first key of the registry GC's advisory lock ("brgc"); the second is the schema's hash, so
 * that each region's registry collects on its own. The store's writers lock (`"bert"`, schema) in
 * the same two-key space, and its migrations one bigint key (another space): no collision.
 */
const gcLockClass = 0x6272_6763;

const statements = {
  shared: { lock: "SELECT pg_advisory_lock_shared($1, hashtext($2))", unlock: "SELECT pg_advisory_unlock_shared($1, hashtext($2)) AS held" },
  exclusive: { lock: "SELECT pg_advisory_lock($1, hashtext($2))", unlock: "SELECT pg_advisory_unlock($1, hashtext($2)) AS held" },
} as const;

export interface PostgresGcLockOptions {
  /** How to connect (the metadata's connection string, types and search path). */
  readonly connection: pg.PoolConfig;
  /** The registry's schema: replicas of one region share its lock. */
  readonly schema: string;
  /** How many holders at once in this process: each holds a connection of its own. */
  readonly connections: number;
}

/**
 * The registry's GC lock across every replica of a region: a PostgreSQL advisory lock, taken
 * exclusive by GC for its plan and deletions, shared by each push or mount for its check and
 * commit. It is a session lock held on a connection of its own pool, not a transaction's: the
 * commit it covers runs on the metadata's pool, and is visible before the lock is released; a
 * holder that dies ends its session, which releases the lock. Its own pool, because a holder
 * waits for the metadata's connections while it holds one of these: in one pool, as many holders
 * as connections would wait for each other forever.
 *
 * A holder whose session ended before it let go (its connection broke) may have been overtaken:
 * its call fails even when `fn` succeeded, so that no one is told an outcome the lock did not
 * protect (a client pushes again, and the push checks again).
 */
export class PostgresGcLock implements ReadersWriterLock {
  private readonly pool: pg.Pool;
  private readonly schema: string;

  constructor({ connection, schema, connections }: PostgresGcLockOptions) {
    this.schema = schema;
    this.pool = new pg.Pool({ ...connection, max: connections });
    // An idle pooled connection that breaks is dropped by the pool; its error must not end the process.
    this.pool.on("error", () => undefined);
  }

  read<T>(fn: () => Promise<T>): Promise<T> {
    return this.holding("shared", fn);
  }

  write<T>(fn: () => Promise<T>): Promise<T> {
    return this.holding("exclusive", fn);
  }

  private async holding<T>(mode: keyof typeof statements, fn: () => Promise<T>): Promise<T> {
    const params = [gcLockClass, this.schema];
    const client = await this.pool.connect();
    // Checked out, a client whose connection breaks emits `error`: unheard, that would end the process.
    let lost: Error | undefined;
    const onError = (err: Error) => (lost ??= err);
    client.on("error", onError);
    const giveBack = (broken?: Error) => {
      // A sound client goes back to the pool, which listens again. A broken one, or one that may still
      // hold the lock, is closed (closing releases the lock) and keeps our listener for its last words.
      if (broken === undefined) client.off("error", onError);
      client.release(broken);
    };
    try {
      await client.query(statements[mode].lock, params);
    } catch (err) {
      giveBack(asError(err));
      throw err;
    }
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await fn() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const held = await client.query<{ held: boolean }>(statements[mode].unlock, params).then(
      (r) => r.rows[0]?.held === true,
      (err: unknown) => {
        lost ??= asError(err);
        return false;
      },
    );
    giveBack(held ? undefined : (lost ?? new Error("the registry's GC lock was not held")));
    if (!outcome.ok) throw outcome.error;
    if (!held) throw new Error(`the registry's GC lock (${mode}) was lost while held: another replica may have collected meanwhile`, { cause: lost });
    return outcome.value;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
