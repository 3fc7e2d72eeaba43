import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { RegistryMetadata } from "../../src/registry/metadata.js";
import { PostgresRegistryMetadata } from "../../src/registry/postgres-metadata.js";
import { SqliteRegistryMetadata } from "../../src/registry/sqlite-metadata.js";
import { PostgresStore } from "../../src/state/postgres/postgres-store.js";
import { SqliteStore } from "../../src/state/sqlite/sqlite-store.js";
import type { Store } from "../../src/state/store.js";
import { startPostgres, type PostgresServer } from "./postgres-server.js";

/** An implementation an in-process test runs on: each `open()` is a new, empty one, which the test closes. */
export interface UnderTest<T> {
  readonly name: "SQLite" | "PostgreSQL";
  readonly open: () => Promise<T>;
}
export type StoreUnderTest = UnderTest<Store>;
export type RegistryMetadataUnderTest = UnderTest<RegistryMetadata>;

/**
 * SQLite (a file in a temporary directory) and PostgreSQL (a database on a server of the test
 * file's own, started on the first open), for a test that goes through an interface both
 * implement to run on both. Call it at the top of a test file: after the file's tests, the server
 * is stopped and the directory removed (close what was opened in the suites' own `after`, which
 * run first).
 */
function each<T>(sqlite: (file: string) => T, postgres: (url: string) => Promise<T>): readonly UnderTest<T>[] {
  let dir: string | undefined;
  let server: Promise<PostgresServer> | undefined;
  let count = 0;
  after(async () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    if (server !== undefined) await (await server).stop();
  });
  return [
    { name: "SQLite", open: () => Promise.resolve(sqlite(join((dir ??= mkdtempSync(join(tmpdir(), "berth-each-"))), `db${count++}.db`))) },
    {
      name: "PostgreSQL",
      open: async () => {
        const pg = await (server ??= startPostgres());
        const database = `db${count++}`;
        await pg.createDatabase(database);
        return postgres(pg.url(database));
      },
    },
  ];
}

/** The state store on both implementations. */
export const eachStore = (): readonly StoreUnderTest[] =>
  each<Store>(
    (path) => new SqliteStore({ path }),
    (url) => PostgresStore.open({ url }),
  );

/** The registry's metadata on both implementations. */
export const eachRegistryMetadata = (): readonly RegistryMetadataUnderTest[] =>
  each<RegistryMetadata>(
    (file) => new SqliteRegistryMetadata(file),
    (url) => PostgresRegistryMetadata.open({ url }),
  );
