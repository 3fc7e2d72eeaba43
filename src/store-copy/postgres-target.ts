import pg from "pg";
import { registryMigrations } from "../registry/postgres-metadata-schema.js";
import { migrateInTransaction } from "../state/postgres/migrate.js";
import { migrations } from "../state/postgres/migrations.js";
import { types } from "../state/postgres/sql.js";
import type { Numbering, TableCopy } from "./tables.js";

/**
 * The database the copy fills, in one transaction for every region: until `commit`, nobody sees
 * anything of it, and a refusal or a failure (`rollback`, or the connection dropping) leaves the
 * database as it was, schemas and tables included. The migration lock is held from the first
 * region's migrations to the end: a server starting on the database meanwhile waits.
 */
export class PostgresTarget {
  private constructor(private readonly client: pg.Client) {}

  static async begin(url: string): Promise<PostgresTarget> {
    const client = new pg.Client({ connectionString: url, types });
    // A connection that breaks fails the statement in flight; its error event must not end the process.
    client.on("error", () => undefined);
    await client.connect();
    try {
      await client.query("BEGIN");
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return new PostgresTarget(client);
  }

  /**
   * Works in `schema` from here on, its tables brought to the current version as a server's start
   * would (the store's migrations, then the registry's), inside this transaction.
   */
  async enter(schema: string): Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
    await this.client.query("SELECT set_config('search_path', $1, true)", [schema]);
    await migrateInTransaction(this.client, schema, "schema_version", migrations);
    await migrateInTransaction(this.client, schema, "registry_schema_version", registryMigrations);
  }

  /**
   * What of the current schema holds state: the tables among `tables` with a row, and the change
   * log's head when it has moved (a store whose changes were all trimmed still counts).
   */
  async holdingState(tables: readonly string[]): Promise<string[]> {
    const probes = tables.map((t) => `SELECT '${t}' AS t WHERE EXISTS (SELECT FROM ${t})`);
    probes.push("SELECT 'change_head' AS t WHERE EXISTS (SELECT FROM change_head WHERE revision > 0)");
    return (await this.client.query<{ t: string }>(probes.join(" UNION ALL "))).rows.map((r) => r.t);
  }

  /** Whether a replica holds the current schema's leader lease now: a server runs on it. */
  async leaderLeaseHeld(): Promise<boolean> {
    const { rows } = await this.client.query<{ held: boolean }>("SELECT expires_at > clock_timestamp() AS held FROM leader_lease WHERE id = 1");
    return rows[0]?.held === true;
  }

  /**
   * Inserts rows (values already as PostgreSQL takes them, in `table.columns`' order) in one
   * statement: one array parameter per column, unnested, so that the statement's text is the same
   * whatever the number of rows and its parameters few.
   */
  async insert(table: TableCopy, rows: readonly (readonly unknown[])[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = table.columns.map((c, i) => rows.map((r) => r[i]));
    const overriding = table.numbering?.by === "always-identity" ? " OVERRIDING SYSTEM VALUE" : "";
    await this.client.query(
      `INSERT INTO ${table.to} (${table.columns.map((c) => c.name).join(", ")})${overriding} SELECT * FROM unnest(${table.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(", ")})`,
      columns,
    );
  }

  /** Sets where a key's numbering goes on: the next number handed out is `last + 1`. */
  async continueNumbering(table: TableCopy, numbering: Numbering, last: bigint): Promise<void> {
    if (last <= 0n) return;
    if (numbering.by === "change-head") await this.client.query("UPDATE change_head SET revision = $1 WHERE id = 1", [last.toString()]);
    else await this.client.query("SELECT setval(pg_get_serial_sequence($1, $2), $3)", [table.to, numbering.column, last.toString()]);
  }

  async commit(): Promise<void> {
    await this.client.query("COMMIT");
  }

  /** Rolls back whatever is not committed, and disconnects. */
  async end(): Promise<void> {
    await this.client.query("ROLLBACK").catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}
