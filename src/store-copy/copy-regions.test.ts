import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { startPostgres, type PostgresServer } from "../../test/support/postgres-server.js";
import type { MetricId } from "../domain/metrics/series.js";
import { PostgresRegistryMetadata } from "../registry/postgres-metadata.js";
import { SqliteRegistryMetadata } from "../registry/sqlite-metadata.js";
import type { RegistryMetadata } from "../registry/metadata.js";
import { ChangesTrimmedError } from "../state/changes.js";
import type { EventRuleRecord } from "../state/event-rule-records.js";
import { PostgresStore } from "../state/postgres/postgres-store.js";
import { migrations as sqliteMigrations } from "../state/sqlite/migrations.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import { aCluster, aContainerInstance, aService, aTask, aTaskDefinition } from "../state/store-builders.js";
import type { Store } from "../state/store.js";
import { copyRegions, type TableProgress } from "./copy-regions.js";
import { StoreCopyRefusal } from "./refusal.js";
import { tableCopies } from "./tables.js";
import type { RegionFiles } from "./regions-on-disk.js";

let server: PostgresServer;
let root: string;
before(async () => {
  server = await startPostgres();
  root = mkdtempSync(join(tmpdir(), "berth-copy-"));
});
after(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

let databases = 0;
async function aDatabase(): Promise<string> {
  const name = `copy${databases++}`;
  await server.createDatabase(name);
  return server.url(name);
}

const copiedAtMs = 1_800_000_000_000;
const lines: string[] = [];
const progress: TableProgress = {
  count: async (label, total, unit, run) => {
    const value = await run(() => undefined);
    lines.push(`${label}: ${total} ${unit}`);
    return value;
  },
};

const instance = aContainerInstance("c", "i0");
const away = aContainerInstance("c", "i1", { agentConnected: false, agentDisconnectedAtMs: 5 });
const service = aService("c", "web");
const cpu: MetricId = { namespace: "App", metricName: "Cpu", dimensions: [{ name: "Host", value: "a" }] };
const day = 86_400_000;
const aRule = (name: string, o: Partial<EventRuleRecord>): EventRuleRecord => ({
  name,
  arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
  version: 1,
  state: "ENABLED",
  createdBy: "000000000000",
  targets: [],
  anchorMs: 0,
  invocations: [],
  ...o,
});

/**
 * A region's SQLite files as a server leaves them, written through the stores' own code: a
 * change log trimmed to its newest 5 changes, a service's events, tasks on an instance whose agent
 * was connected at the stop, IAM keys, event rules with and without a pattern, a schedule due at a
 * fraction of a millisecond, log events holding NUL, a metric over a day, an image manifest.
 */
async function aStoppedRegion(dir: string): Promise<RegionFiles & { readonly registry: string }> {
  mkdirSync(join(dir, "registry"), { recursive: true });
  const files = { region: "us-east-1", schema: "public", store: join(dir, "berth.db"), registry: join(dir, "registry", "registry.db") };
  const store = new SqliteStore({ path: files.store, changesKept: 5 });
  await store.write(async (tx) => {
    await tx.clusters.put(aCluster("c"));
    await tx.clusters.put({ ...aCluster("gone"), status: "INACTIVE" });
    await tx.containerInstances.put(instance);
    await tx.containerInstances.put(away);
    for (const id of ["t3", "t1", "t2"]) await tx.tasks.put({ ...aTask(id, { containerInstanceArn: instance.arn }), serviceName: "web" });
    await tx.tasks.rememberRun({ cluster: "c", token: "tok", requestHash: "h", taskArns: [aTask("t1", {}).arn], failures: [], createdAtMs: 7 });
    await tx.services.put(service);
    await tx.services.addEvents(service.arn, [1, 2, 3].map((n) => ({ id: `e${n}`, createdAtMs: n, message: `event ${n}` })), 10);
    for (const r of [1, 2]) await tx.taskDefinitions.put(aTaskDefinition("web", await tx.taskDefinitions.allocateRevision("web"), r === 1 ? "INACTIVE" : "ACTIVE"));
    for (const [id, at] of [["AKIA2", 20], ["AKIA1", 10]] as const) {
      await tx.iam.putAccessKey({ accessKeyId: id, sealedSecret: "v1.x", status: "Active", createdAtMs: at, owner: { kind: "user", userName: "ci" } });
    }
    await tx.eventRules.put(aRule("on-stop", { eventPattern: '{"source":["aws.ecs"]}' }));
    await tx.eventRules.put(aRule("hourly", { scheduleExpression: "rate(1 hour)", nextFireMs: 3_600_000 }));
    await tx.schedules.put({
      group: "default",
      name: "s",
      arn: "arn:aws:scheduler:us-east-1:000000000000:schedule/default/s",
      version: 1,
      scheduleExpression: "rate(1 hour)",
      state: "ENABLED",
      flexibleTimeWindow: { Mode: "OFF" },
      actionAfterCompletion: "NONE",
      target: { Arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", RoleArn: "arn:aws:iam::000000000000:role/r" },
      createdAtMs: 0,
      modifiedAtMs: 0,
      anchorMs: 0,
      nextFireMs: 1_700_000_000_000.25,
      invocations: [],
    });
    await tx.logs.createGroup({ name: "g", createdMs: 1, tags: { team: "a" }, storedBytes: 0 });
    await tx.logs.createStream({ groupName: "g", name: "s", createdMs: 1, storedBytes: 0 });
    await tx.logs.append("g", "s", [{ timestamp: 10, message: "a\u0000b" }, { timestamp: 11, message: "naïve ✓" }], 12, "cursor-1");
    const parameter = { name: "/app/db", version: 1, type: "SecureString", value: "v1.sealed", keyId: "alias/aws/ssm", tier: "Standard", dataType: "text", labels: [], modifiedMs: 1, modifiedBy: "arn:aws:iam::000000000000:root" } as const;
    await tx.parameters.put(parameter, { tags: { team: "a" }, keep: 100 });
    await tx.parameters.put({ ...parameter, version: 2, value: "x\u0000y", description: "d" }, { keep: 100 });
    await tx.parameters.setLabels("/app/db", 1, ["prod"]);
    const secret = { name: "app/db", arn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf", version: 1, createdMs: 1, lastChangedMs: 1, purgeAtMs: 1_700_000_000_000, deletedMs: 1, versions: [{ id: "v-1", stages: ["AWSCURRENT"], createdMs: 1 }] };
    await tx.secrets.put(secret);
    await tx.secrets.putValue(secret.arn, "v-1", "v1.sealed-secret");
    await tx.metrics.add(Array.from({ length: 24 * 12 }, (_, i) => ({ metric: cpu, minuteMs: i * 300_000, sum: i + 0.5, count: 1, min: i, max: i + 1, unit: i % 2 ? "Percent" : "None" })));
  });
  // More saves than the log keeps: the oldest changes are trimmed, as on a server that ran a while.
  for (let v = 2; v <= 8; v++) await store.write((tx) => tx.clusters.put({ ...aCluster("c"), version: v }));
  await store.close();
  const registry = new SqliteRegistryMetadata(files.registry);
  await registry.createRepository({ name: "app", createdAtMs: 1, imageTagMutability: "MUTABLE", scanOnPush: true }, [{ key: "team", value: "a" }]);
  const content = Buffer.from('{"schemaVersion":2}');
  await registry.putManifest({ repository: "app", digest: "sha256:m", mediaType: "application/vnd.oci.image.manifest.v1+json", content, imageSize: 3, pushedAtMs: 2, blobs: ["sha256:b"], manifests: [], tag: "v1" });
  await registry.linkBlob("app", "sha256:b");
  await registry.close();
  // AUTOINCREMENT remembers a number whose row is gone: the newest service event, deleted.
  const db = new Sqlite(files.store);
  db.prepare("DELETE FROM service_events WHERE seq = 3").run();
  db.close();
  return files;
}

/** What the stores answer about the region, through their own reads. */
const view = (store: Store) =>
  store.read(async (tx) => ({
    clusters: await tx.clusters.list({ limit: 10 }),
    inactive: await tx.clusters.list({ limit: 10, status: "INACTIVE" }),
    tasks: await tx.tasks.list({ cluster: "c", limit: 10 }),
    holding: (await tx.tasks.holdingResources(instance.arn)).map((t) => t.id),
    reserved: await tx.tasks.reservedOn(instance.arn),
    ofService: (await tx.tasks.ofService("c", "web")).map((t) => t.id),
    run: await tx.tasks.findRun("c", "tok"),
    services: await tx.services.list("c", { limit: 10 }),
    events: await tx.services.events(service.arn, 10),
    revisions: await tx.taskDefinitions.list({ limit: 10, descending: false }),
    keys: (await tx.iam.accessKeysOf("ci")).map((k) => k.accessKeyId),
    withPattern: (await tx.eventRules.withPattern()).map((r) => r.name),
    dueRules: (await tx.eventRules.due(day, 10)).map((r) => r.name),
    schedules: await tx.schedules.due(1_700_000_000_001, 10),
    groups: await tx.logs.groups({ limit: 10 }),
    streams: await tx.logs.streams({ group: "g", orderBy: "LogStreamName", descending: false, limit: 10 }),
    logEvents: await tx.logs.events({ group: "g", descending: false, limit: 10 }),
    parameters: await tx.parameters.list({ limit: 10 }),
    parameterVersions: await tx.parameters.history("/app/db", 0, 10),
    labelled: await tx.parameters.labelled("/app/db", "prod"),
    secrets: await tx.secrets.list(),
    dueSecrets: (await tx.secrets.due(1_700_000_000_000, 10)).map((x) => x.name),
    secretValue: await tx.secrets.value("arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf", "v-1"),
    minutes: await tx.metrics.minutes(cpu, 0, day),
    periods: await tx.metrics.periods(cpu, 0, day, 3_600_000),
    metrics: await tx.metrics.list({ limit: 10 }),
    cursor: await tx.ecsEvents.cursor(),
  }));

const registryView = async (m: RegistryMetadata) => ({
  repositories: await m.listRepositories({ limit: 10 }),
  tags: await m.listRepositoryTags("app"),
  manifests: await m.listManifests("app"),
  linked: await m.isBlobLinked("app", "sha256:b"),
  referenced: [...(await m.referencedBlobs())],
});

async function tablesIn(url: string, schema = "public"): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1", [schema])).rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe("store copy: a region from SQLite into PostgreSQL", () => {
  it("reads back the same through the PostgreSQL store, and numbers on after SQLite", async () => {
    const files = await aStoppedRegion(join(root, "same"));
    const before = await (async () => {
      const s = new SqliteStore({ path: files.store });
      try {
        return { view: await view(s), head: await s.changes.head() };
      } finally {
        await s.close();
      }
    })();
    const sqliteRegistry = new SqliteRegistryMetadata(files.registry);
    const registryBefore = await registryView(sqliteRegistry);
    await sqliteRegistry.close();
    const url = await aDatabase();

    const [copied] = await copyRegions([files], url, { progress, copiedAtMs });
    assert.deepEqual(copied && { ...copied, rows: copied.rows > 0 }, { region: "us-east-1", schema: "public", tables: tableCopies.length, rows: true, revision: BigInt(before.head) });

    const store = await PostgresStore.open({ url });
    const registry = await PostgresRegistryMetadata.open({ url });
    try {
      assert.deepEqual(await view(store), before.view);
      assert.deepEqual(await registryView(registry), registryBefore);
      // The agent connected at the stop is away since the copy, as the SQLite server's next start would have recorded it.
      assert.deepEqual(await store.read((tx) => tx.containerInstances.get(instance.arn)), { ...instance, agentConnected: false, agentDisconnectedAtMs: copiedAtMs, version: 2 });
      assert.deepEqual(await store.read((tx) => tx.containerInstances.get(away.arn)), away);

      // The change log goes on from SQLite's head, trimmed where SQLite's was.
      assert.equal(before.head, 15);
      assert.equal(await store.changes.head(), before.head);
      assert.equal((await store.changes.since(before.head - 2, 10)).length, 2);
      await assert.rejects(store.changes.since(0, 10), ChangesTrimmedError);
      await store.write((tx) => tx.clusters.put({ ...aCluster("c"), version: 9 }));
      assert.deepEqual((await store.changes.since(before.head, 10)).map((c) => c.revision), [before.head + 1]);

      // Every numbered key goes on past the copied ones (and past what SQLite handed out and deleted).
      await store.write(async (tx) => {
        await tx.services.addEvents(service.arn, [{ id: "e4", createdAtMs: 4, message: "event 4" }], 10);
        await tx.tasks.put(aTask("t0", { containerInstanceArn: instance.arn }));
        await tx.logs.append("g", "s", [{ timestamp: 11, message: "after" }], 13);
        await tx.metrics.add([{ metric: { ...cpu, metricName: "Memory" }, minuteMs: 0, sum: 1, count: 1, min: 1, max: 1, unit: "None" }]);
        assert.equal(await tx.taskDefinitions.allocateRevision("web"), 3);
      });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const keys = async (sql: string) => (await client.query<{ k: string }>(sql)).rows.map((r) => Number(r.k));
        assert.deepEqual(await keys("SELECT seq AS k FROM service_events ORDER BY seq"), [1, 2, 4], "seq 3 was handed out (then deleted) by SQLite");
        assert.deepEqual(await keys("SELECT id AS k FROM log_events ORDER BY id"), [1, 2, 3]);
        assert.deepEqual(await keys("SELECT id AS k FROM metric_series ORDER BY id"), [1, 2]);
      } finally {
        await client.end();
      }
      // The new task is the last of the instance's, as it would be on SQLite.
      assert.deepEqual(await store.read(async (tx) => (await tx.tasks.holdingResources(instance.arn)).map((t) => t.id)), [...before.view.holding, "t0"]);
      assert.deepEqual((await store.read((tx) => tx.logs.events({ group: "g", descending: false, limit: 10 }))).map((e) => e.message), ["a\u0000b", "naïve ✓", "after"]);
    } finally {
      await registry.close();
      await store.close();
    }
  });

  it("refuses, writing nothing, while a server has a file open", async () => {
    const files = await aStoppedRegion(join(root, "busy"));
    const url = await aDatabase();
    const running = new SqliteStore({ path: files.store });
    try {
      await assert.rejects(copyRegions([files], url, { progress, copiedAtMs }), (e: unknown) => e instanceof StoreCopyRefusal && e.reason === "server-running" && e.message.includes(files.store));
    } finally {
      await running.close();
    }
    assert.equal(await tablesIn(url), 0);
  });

  it("refuses a second copy into a schema that holds state, and changes nothing", async () => {
    const files = await aStoppedRegion(join(root, "twice"));
    const url = await aDatabase();
    await copyRegions([files], url, { progress, copiedAtMs });
    const store = await PostgresStore.open({ url });
    const first = await view(store);
    await store.close();
    await assert.rejects(copyRegions([files], url, { progress, copiedAtMs: copiedAtMs + 1 }), (e: unknown) => e instanceof StoreCopyRefusal && e.reason === "target-holds-state" && /schema public \(us-east-1\) holds clusters/.test(e.message));
    const again = await PostgresStore.open({ url });
    try {
      assert.deepEqual(await view(again), first);
      assert.equal((await again.read((tx) => tx.containerInstances.get(instance.arn)))?.agentDisconnectedAtMs, copiedAtMs);
    } finally {
      await again.close();
    }
  });

  it("refuses a schema that a server runs on (it holds the leader lease), though it is empty", async () => {
    const files = await aStoppedRegion(join(root, "leased"));
    const url = await aDatabase();
    await (await PostgresStore.open({ url })).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("UPDATE leader_lease SET term = 1, holder = 'replica-a', expires_at = clock_timestamp() + interval '1 hour'");
    await client.end();
    await assert.rejects(copyRegions([files], url, { progress, copiedAtMs }), (e: unknown) => e instanceof StoreCopyRefusal && e.reason === "target-in-use" && /holds the lease of schema public/.test(e.message));
  });

  it("leaves the database as it was when a row fails halfway, every region's schema included", async () => {
    const home = await aStoppedRegion(join(root, "half"));
    const other = { ...(await aStoppedRegion(join(root, "half", "regions", "eu-west-1"))), region: "eu-west-1", schema: "region_eu_west_1" };
    // A NUL in a tag, which PostgreSQL's text cannot hold: the other region and the earlier tables are copied by then.
    const db = new Sqlite(other.store);
    db.prepare("INSERT INTO tags (resource_arn, key, value) VALUES ('arn', 'k', ?)").run("a\u0000b");
    db.close();
    const url = await aDatabase();
    await assert.rejects(copyRegions([home, other], url, { progress, copiedAtMs }), /copying eu-west-1 tags failed, and nothing was written: tags\.value: text holding U\+0000/);
    assert.deepEqual([await tablesIn(url, "public"), await tablesIn(url, "region_eu_west_1")], [0, 0]);
  });

  it("refuses a file of another schema version, before it touches the database", async () => {
    const files = await aStoppedRegion(join(root, "old"));
    const db = new Sqlite(files.store);
    db.pragma("user_version = 18");
    db.close();
    await assert.rejects(copyRegions([files], "postgres://nobody@127.0.0.1:1/none", { progress, copiedAtMs }), (e: unknown) => e instanceof StoreCopyRefusal && e.reason === "schema-version" && new RegExp(`version 18, this Berth copies version ${sqliteMigrations.at(-1)!.version}: start this Berth's server`).test(e.message));
  });
});
