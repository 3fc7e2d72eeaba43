import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { startPostgres, type PostgresServer } from "../../test/support/postgres-server.js";
import { registryMigrations } from "../registry/postgres-metadata-schema.js";
import { SqliteRegistryMetadata } from "../registry/sqlite-metadata.js";
import { migrate } from "../state/postgres/migrate.js";
import { migrations } from "../state/postgres/migrations.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import { notCopied, tableCopies, type SourceFile } from "./tables.js";

let server: PostgresServer;
let dir: string;
before(async () => {
  server = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), "berth-copy-tables-"));
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A migration that adds a table or a column to either store fails these until the copy says what becomes of it. */
describe("store copy: the table list against both migrated schemas", () => {
  it("copies every table and column of a migrated SQLite store and registry file, or names it as left behind", async () => {
    const files: Record<SourceFile, string> = { store: join(dir, "berth.db"), registry: join(dir, "registry.db") };
    await new SqliteStore({ path: files.store }).close();
    await new SqliteRegistryMetadata(files.registry).close();
    for (const [file, path] of Object.entries(files) as [SourceFile, string][]) {
      const db = new Sqlite(path, { readonly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
        for (const table of tables) {
          if (table in notCopied.sqlite) continue;
          const copy = tableCopies.find((t) => t.file === file && t.from === table);
          assert.ok(copy, `the ${file} table ${table} is neither copied nor left behind`);
          const columns = db.prepare("SELECT name FROM pragma_table_info(?)").pluck().all(table) as string[];
          for (const c of columns) assert.ok(copy.columns.some((k) => k.name === c) || copy.dropped?.includes(c), `${file} ${table}.${c} is neither copied nor dropped`);
        }
        for (const t of tableCopies.filter((k) => k.file === file)) assert.ok(tables.includes(t.from), `the copy reads ${t.from}, which the ${file} file lacks`);
      } finally {
        db.close();
      }
    }
  });

  it("fills every column of every table of a migrated PostgreSQL schema, as its type, or names the table as left alone", async () => {
    await server.createDatabase("tables");
    const client = new pg.Client({ connectionString: server.url("tables") });
    await client.connect();
    try {
      await migrate(client, "public", "schema_version", migrations);
      await migrate(client, "public", "registry_schema_version", registryMigrations);
      const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string }>(
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
      );
      const byTable = new Map<string, string[]>();
      for (const r of rows) byTable.set(r.table_name, [...(byTable.get(r.table_name) ?? []), `${r.column_name} ${r.data_type}`]);
      for (const [table, columns] of byTable) {
        if (table in notCopied.postgres) continue;
        const copy = tableCopies.find((t) => t.to === table);
        assert.ok(copy, `the PostgreSQL table ${table} is neither filled nor left alone`);
        assert.deepEqual(copy.columns.map((c) => `${c.name} ${c.type}`).sort(), columns.sort(), `the columns of ${table}`);
      }
      for (const t of tableCopies) assert.ok(byTable.has(t.to), `the copy fills ${t.to}, which PostgreSQL lacks`);
    } finally {
      await client.end();
    }
  });
});
