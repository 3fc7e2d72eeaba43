import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { aTask } from "../store-builders.js";
import { migrations } from "./migrations.js";
import { SqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "berth-migration-19-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A database as version 17 left it, with one task and one RunTask token written in its layout. */
function version17(path: string, task: ReturnType<typeof aTask>): void {
  const db = new Sqlite(path);
  db.pragma("journal_mode = WAL");
  for (const m of migrations.filter((m) => m.version <= 17)) {
    db.exec(m.sql);
    db.pragma(`user_version = ${m.version}`);
  }
  db.prepare(
    `INSERT INTO tasks (arn, cluster, container_instance_arn, family, started_by, service_name, launch_type, desired_status, last_status,
                        stopped_at_ms, service_open, version, doc)
     VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?, NULL, 0, ?, ?)`,
  ).run(task.arn, task.cluster, task.containerInstanceArn, task.spec.family, task.launchType, task.spec.desiredStatus, task.lastStatus, task.version, JSON.stringify(task));
  const run = { cluster: task.cluster, token: "tok", requestHash: "h", taskArns: [task.arn], failures: [], createdAtMs: 1000 };
  db.prepare("INSERT INTO run_task_tokens (cluster, token, request_hash, doc, created_at_ms) VALUES (?, ?, ?, ?, ?)").run(run.cluster, run.token, run.requestHash, JSON.stringify(run), run.createdAtMs);
  db.close();
}

describe("migration 19: tasks and RunTask tokens as rowid tables", () => {
  it("keeps every existing task and token, queryable and savable as before", async () => {
    const path = join(dir, "v17.db");
    const task = aTask("migrated", { cluster: "c" });
    version17(path, task);
    const store = new SqliteStore({ path });
    try {
      assert.deepEqual(await store.read((tx) => tx.tasks.get(task.arn)), task);
      assert.deepEqual(await store.read((tx) => tx.tasks.findRun("c", "tok")), { cluster: "c", token: "tok", requestHash: "h", taskArns: [task.arn], failures: [], createdAtMs: 1000 });
      assert.deepEqual((await store.read((tx) => tx.tasks.list({ cluster: "c", limit: 10 }))).items.map((t) => t.arn), [task.arn]);
      // The version check still holds over the migrated row: a stale save is refused, the next one lands.
      await assert.rejects(store.write((tx) => tx.tasks.put({ ...task, version: task.version })));
      await store.write((tx) => tx.tasks.put({ ...task, lastStatus: "RUNNING", version: task.version + 1 }));
      assert.equal((await store.read((tx) => tx.tasks.get(task.arn)))?.lastStatus, "RUNNING");
      // The unique key is still a key: a second insert of the same ARN changes nothing.
      await assert.rejects(store.write((tx) => tx.tasks.put(task)));
      await store.write((tx) => tx.tasks.rememberRun({ cluster: "c", token: "tok", requestHash: "other", taskArns: [], failures: [], createdAtMs: 2000 }));
      assert.equal((await store.read((tx) => tx.tasks.findRun("c", "tok")))?.requestHash, "h", "the first run of a token is the one remembered");
    } finally {
      await store.close();
    }
  });
});
