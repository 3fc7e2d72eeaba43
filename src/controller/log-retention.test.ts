import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startPostgres, type PostgresServer } from "../../test/support/postgres-server.js";
import { PostgresStore } from "../state/postgres/postgres-store.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import type { Store } from "../state/store.js";
import { sweepLogRetention } from "./log-retention.js";

const dir = mkdtempSync(join(tmpdir(), "berth-log-retention-"));
let server: PostgresServer;
before(async () => (server = await startPostgres()));
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
});

const stores: [string, () => Promise<Store>][] = [
  ["SQLite", () => Promise.resolve(new SqliteStore({ path: join(dir, "r.db") }))],
  [
    "PostgreSQL",
    async () => {
      await server.createDatabase("retention");
      return PostgresStore.open({ url: server.url("retention") });
    },
  ],
];

const dayMs = 86_400_000;
const now = Date.parse("2026-11-29T12:00:00Z");

describe("log retention (the sweep, on an injected clock)", () => {
  for (const [storeName, open] of stores) {
    it(`a group with a 1-day retention loses its events older than a day; a group without one keeps all (${storeName})`, async () => {
      const store = await open();
      try {
        await store.write(async (tx) => {
          for (const name of ["/short", "/forever"]) {
            await tx.logs.createGroup({ name, createdMs: now - 3 * dayMs, tags: {}, storedBytes: 0 });
            await tx.logs.createStream({ groupName: name, name: "s", createdMs: now - 3 * dayMs, storedBytes: 0 });
            await tx.logs.append(name, "s", [
              { timestamp: now - 2 * dayMs, message: "two days old" },
              { timestamp: now - dayMs - 1, message: "just over a day old" },
              { timestamp: now - dayMs + 1, message: "just under a day old" },
              { timestamp: now - 60_000, message: "a minute old" },
            ], now);
          }
          await tx.logs.setRetention("/short", 1);
        });
        const messages = (group: string) =>
          store.read(async (tx) => (await tx.logs.events({ group, descending: false, limit: 100 })).map((e) => e.message));

        assert.equal(await sweepLogRetention(store, now - 3 * dayMs), 0, "nothing is older than a day before the events were written");
        assert.equal(await sweepLogRetention(store, now), 2);
        assert.deepEqual(await messages("/short"), ["just under a day old", "a minute old"]);
        assert.deepEqual(await messages("/forever"), ["two days old", "just over a day old", "just under a day old", "a minute old"]);
        const stream = await store.read((tx) => tx.logs.stream("/short", "s"));
        assert.equal(stream?.firstEventMs, now - dayMs + 1, "the stream's first event moves past what was deleted");

        assert.equal(await sweepLogRetention(store, now + dayMs), 2, "a day later the rest has expired too");
        assert.deepEqual(await messages("/short"), []);
      } finally {
        await store.close();
      }
    });
  }
});
