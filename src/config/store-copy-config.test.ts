import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { compileStoreCopyConfig } from "./store-copy-config.js";

describe("berth store copy's flags: the server's --data-dir and --store, the store PostgreSQL", () => {
  const url = "postgres://berth:secret@db.internal/berth";

  it("takes the flags, else the server's environment, else the server's default data directory", () => {
    assert.deepEqual(compileStoreCopyConfig({ dataDir: "/srv/berth", store: url }, {}), { dataDir: "/srv/berth", url });
    assert.deepEqual(compileStoreCopyConfig({}, { BERTH_DATA_DIR: "/var/berth", BERTH_STORE: url }), { dataDir: "/var/berth", url });
    assert.deepEqual(compileStoreCopyConfig({ store: url }, {}), { dataDir: resolve(".berth"), url });
  });

  it("refuses no store, SQLite, and anything else, without quoting the value back (it may hold a password)", () => {
    assert.throws(() => compileStoreCopyConfig({}, {}), /--store \(BERTH_STORE\) must name the PostgreSQL database to copy into/);
    assert.throws(() => compileStoreCopyConfig({ store: "sqlite" }, {}), /must be a postgres:\/\/ URL: the copy goes from the SQLite files of --data-dir into PostgreSQL/);
    assert.throws(() => compileStoreCopyConfig({ store: "mysql://root:hunter2@db/berth" }, {}), (e: unknown) => e instanceof Error && !e.message.includes("hunter2"));
  });
});
