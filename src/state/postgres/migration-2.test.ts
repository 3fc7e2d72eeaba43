import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { migrate } from "./migrate.js";
import { migrations } from "./migrations.js";

let server: PostgresServer;
before(async () => (server = await startPostgres()));
after(() => server.stop());

describe("PostgreSQL migration 2: filtered fields become columns", () => {
  it("fills them from documents written at schema 1, NUL characters and all", async () => {
    await server.createDatabase("m2");
    const client = new pg.Client({ connectionString: server.url("m2") });
    await client.connect();
    try {
      await migrate(client, "public", "schema_version", migrations.filter((m) => m.version === 1));
      const doc = (o: object) => JSON.stringify({ ...o, note: "x\u0000y" });
      await client.query("INSERT INTO clusters (name, version, doc) VALUES ('c', 1, $1)", [doc({ name: "c", status: "INACTIVE" })]);
      await client.query("INSERT INTO schedules (grp, name, version, doc) VALUES ('g', 's', 1, $1)", [doc({ state: "DISABLED" })]);
      await client.query("INSERT INTO event_rules (name, version, doc) VALUES ('p', 1, $1), ('t', 1, $2)", [
        JSON.stringify({ eventPattern: "{}" }),
        JSON.stringify({ scheduleExpression: "rate(1 minute)" }),
      ]);
      await client.query("INSERT INTO iam_access_keys (access_key_id, owner_kind, owner, doc) VALUES ('AKIA1', 'user', 'u', $1)", [doc({ createdAtMs: 42 })]);

      await migrate(client, "public", "schema_version", migrations);

      const one = async (sql: string): Promise<unknown[]> => (await client.query<Record<string, unknown>>(sql)).rows;
      assert.deepEqual(await one("SELECT status FROM clusters"), [{ status: "INACTIVE" }]);
      assert.deepEqual(await one("SELECT state FROM schedules"), [{ state: "DISABLED" }]);
      assert.deepEqual(await one("SELECT name, has_pattern FROM event_rules ORDER BY name"), [{ name: "p", has_pattern: true }, { name: "t", has_pattern: false }]);
      assert.deepEqual(await one("SELECT created_ms::integer AS t FROM iam_access_keys"), [{ t: 42 }]);
      await assert.rejects(client.query("INSERT INTO clusters (name, version, doc) VALUES ('d', 1, '{}')"), /status/, "a cluster without its status column is refused");
    } finally {
      await client.end();
    }
  });
});
