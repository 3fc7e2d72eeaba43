import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { PostgresStore } from "../../src/state/postgres/postgres-store.js";
import { SqliteStore } from "../../src/state/sqlite/sqlite-store.js";
import type { Store } from "../../src/state/store.js";
import { startPostgres, type PostgresServer } from "./postgres-server.js";

/** A store implementation an in-process test runs on: each `open()` is a new, empty store, which the test closes. */
export interface StoreUnderTest {
  readonly name: "SQLite" | "PostgreSQL";
  readonly open: () => Promise<Store>;
}

/**
 * SQLite (a file in a temporary directory) and PostgreSQL (a database on a server of the test
 * file's own, started on the first open), for a test that goes through the Store interface to run
 * on both. Call it at the top of a test file: after the file's tests, the server is stopped and the
 * directory removed (close the stores in the suites' own `after`, which run first).
 */
export function eachStore(): readonly StoreUnderTest[] {
  let dir: string | undefined;
  let server: Promise<PostgresServer> | undefined;
  let count = 0;
  after(async () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    if (server !== undefined) await (await server).stop();
  });
  return [
    {
      name: "SQLite",
      open: () => Promise.resolve(new SqliteStore({ path: join((dir ??= mkdtempSync(join(tmpdir(), "berth-each-store-"))), `db${count++}.db`) })),
    },
    {
      name: "PostgreSQL",
      open: async () => {
        const pg = await (server ??= startPostgres());
        const database = `db${count++}`;
        await pg.createDatabase(database);
        return PostgresStore.open({ url: pg.url(database) });
      },
    },
  ];
}
