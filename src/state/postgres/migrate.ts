import type pg from "pg";

/** One numbered, forward-only migration: its SQL, then any rewrite of rows that needs JavaScript. */
export interface Migration {
  readonly version: number;
  readonly sql: string;
  readonly data?: (client: pg.ClientBase) => Promise<void>;
}

/** The migrations' advisory lock, for the whole database: one replica migrates at a time, whichever tables. */
const migrationLock = 0x6265_7274_0002n;

/**
 * Applies the migrations of `list` that the schema lacks, as recorded in `versionTable`, in one
 * transaction under the migration lock (the store's tables and the registry's each have their own
 * list and version table), creating the schema first if it is missing: concurrent replicas wait on
 * the lock, then find the work done.
 */
export async function migrate(client: pg.ClientBase, schema: string, versionTable: string, list: readonly Migration[]): Promise<void> {
  await client.query("BEGIN");
  try {
    await migrateInTransaction(client, schema, versionTable, list);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/**
 * `migrate` inside a transaction the caller holds (and commits or rolls back): `berth store copy`
 * migrates and fills a schema in one, so that a refusal or a failure leaves nothing behind, not
 * even the tables. The lock is held until that transaction ends: no replica starts meanwhile.
 * Tables are made where the connection's `search_path` names `schema`.
 */
export async function migrateInTransaction(client: pg.ClientBase, schema: string, versionTable: string, list: readonly Migration[]): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1)", [migrationLock]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${versionTable} (version integer NOT NULL)`);
  const current = (await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${versionTable}`)).rows[0]?.version ?? 0;
  for (const m of list) {
    if (m.version <= current) continue;
    await client.query(m.sql);
    await m.data?.(client);
    await client.query(`INSERT INTO ${versionTable} (version) VALUES ($1)`, [m.version]);
  }
}
