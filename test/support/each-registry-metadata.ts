import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { RegistryMetadata } from "../../src/registry/metadata.js";
import { PostgresRegistryMetadata } from "../../src/registry/postgres-metadata.js";
import { SqliteRegistryMetadata } from "../../src/registry/sqlite-metadata.js";
import { startPostgres, type PostgresServer } from "./postgres-server.js";

/** A registry metadata implementation a test runs on: each `open()` is new and empty, and the test closes it. */
export interface RegistryMetadataUnderTest {
  readonly name: "SQLite" | "PostgreSQL";
  readonly open: () => Promise<RegistryMetadata>;
}

/**
 * SQLite (a file in a temporary directory) and PostgreSQL (a database on a server of the test
 * file's own, started on the first open), for a registry test that goes through RegistryMetadata to
 * run on both, as `eachStore` does for the state store. Call it once at the top of a test file:
 * after the file's tests, the server is stopped and the directory removed (close the metadata in
 * the suites' own `after`, which run first).
 */
export function eachRegistryMetadata(): readonly RegistryMetadataUnderTest[] {
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
      open: () => Promise.resolve(new SqliteRegistryMetadata(join((dir ??= mkdtempSync(join(tmpdir(), "berth-each-registry-"))), `registry${count++}.db`))),
    },
    {
      name: "PostgreSQL",
      open: async () => {
        const pg = await (server ??= startPostgres());
        const database = `registry${count++}`;
        await pg.createDatabase(database);
        return PostgresRegistryMetadata.open({ url: pg.url(database) });
      },
    },
  ];
}
