import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChangesTrimmedError } from "../changes.js";
import { aCluster } from "../store-builders.js";
import { storeContract } from "../store-contract.js";
import { SqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "berth-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));

storeContract("SQLite", (database) => Promise.resolve(new SqliteStore({ path: join(dir, `${database}.db`) })));

describe("SQLite change log retention", () => {
  it("keeps the newest changes it promises, and says so when a subscriber asks for older ones", async () => {
    const store = new SqliteStore({ path: join(dir, "retention.db"), changesKept: 10 });
    try {
      for (let i = 0; i < 30; i++) await store.write((tx) => tx.clusters.put(aCluster(`c${i}`)));
      const head = await store.changes.head();
      assert.equal(head, 30);
      assert.deepEqual((await store.changes.since(head - 10, 100)).map((c) => c.revision), Array.from({ length: 10 }, (_, i) => 21 + i));
      await assert.rejects(store.changes.since(0, 100), (e: unknown) => e instanceof ChangesTrimmedError && e.revision === 0);
    } finally {
      await store.close();
    }
  });
});
