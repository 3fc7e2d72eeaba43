import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushOneLayerImage, startTestRegistry, type TestRegistry } from "../testing.js";
import { eachRegistryMetadata } from "../../../test/support/each-store.js";
import { until } from "../../../test/support/until.js";
import { Backfills, type BackfillCopier } from "./backfill.js";
import { checkReplication } from "./config.js";
import type { CopyResult } from "./copy-image.js";

const home = { region: "us-east-1", accountId: "123456789012" };

/** A copier over a real source registry whose copies wait for `release()` and fail for repositories named `bad/…`. */
function aGatedCopier(source: TestRegistry, replication: Parameters<typeof checkReplication>[0]) {
  const copies: string[] = [];
  let gate: () => void = () => undefined;
  let opened = Promise.resolve();
  const copier: BackfillCopier = {
    registry: source.registry,
    configuration: () => Promise.resolve(checkReplication(replication, home)),
    async copyTo(region, repository, digest): Promise<CopyResult> {
      await opened;
      copies.push(`${region} ${repository} ${digest}`);
      return repository.startsWith("bad/") ? { ok: false, failureCode: "TAG_IMMUTABLE", reason: "test" } : { ok: true };
    },
  };
  return {
    copier,
    copies,
    hold: (): void => {
      opened = new Promise<void>((r) => (gate = r));
    },
    release: () => gate(),
  };
}

for (const metadata of eachRegistryMetadata()) {
  describe(`replication backfills on ${metadata.name}`, () => {
    let source: TestRegistry;
    const digests: Record<string, string> = {};

    async function push(repo: string, seed: string, tag: string): Promise<void> {
      digests[seed] = await pushOneLayerImage(source.registry, repo, seed, tag);
    }

    before(async () => {
      source = await startTestRegistry({ metadata: metadata.open });
      for (const repo of ["team/a", "bad/b", "other"]) await source.createRepository(repo);
      await push("team/a", "a1", "v1");
      await push("team/a", "a2", "v2");
      await push("bad/b", "b1", "v1");
      await push("other", "o1", "v1");
    });
    after(async () => {
      await source.close();
    });

    const rules = { rules: [{ destinations: [{ region: "eu-west-1", registryId: home.accountId }], repositoryFilters: [{ filter: "team/", filterType: "PREFIX_MATCH" as const }, { filter: "bad/", filterType: "PREFIX_MATCH" as const }] }] };

    it("copies every image of the matching repositories to the region, with a result per image", async () => {
      const c = aGatedCopier(source, rules);
      let t = 1000;
      const backfills = new Backfills({ copier: c.copier, now: () => t++, newId: () => "bf-1" });
      const started = await backfills.start("eu-west-1");
      assert.ok(started.ok);
      assert.equal(started.backfill.status, "PREPARING");
      const done = await until("backfill ends", () => (backfills.get("bf-1")?.status === "COMPLETE" ? backfills.get("bf-1") : undefined));
      assert.deepEqual(c.copies.sort(), [`eu-west-1 bad/b ${digests.b1}`, `eu-west-1 team/a ${digests.a1}`, `eu-west-1 team/a ${digests.a2}`].sort());
      assert.equal(done.total, 3);
      assert.deepEqual(done.results.filter((r) => r.status === "FAILED").map((r) => [r.repository, r.failureCode]), [["bad/b", "TAG_IMMUTABLE"]]);
      assert.ok(done.endedAtMs !== undefined && done.endedAtMs > done.startedAtMs);
      await backfills.close();
    });

    it("refuses a region that no rule names, and a second backfill to a region while one runs", async () => {
      const c = aGatedCopier(source, rules);
      let n = 0;
      const backfills = new Backfills({ copier: c.copier, now: () => 0, newId: () => `bf-${++n}` });
      assert.deepEqual(await backfills.start("ap-south-1"), { ok: false, reason: "not-a-destination" });
      c.hold();
      assert.ok((await backfills.start("eu-west-1")).ok);
      assert.deepEqual(await backfills.start("eu-west-1"), { ok: false, reason: "in-progress", id: "bf-1" });
      c.release();
      await until("first backfill ends", () => backfills.get("bf-1")?.status === "COMPLETE" || undefined);
      assert.ok((await backfills.start("eu-west-1")).ok, "a region is free again once its backfill ended");
      await backfills.close();
    });

    it("stops a backfill between copies; a stopped one cannot be stopped again; an unknown id is not found", async () => {
      const c = aGatedCopier(source, rules);
      const backfills = new Backfills({ copier: c.copier, now: () => 0, newId: () => "bf-stop" });
      c.hold();
      assert.ok((await backfills.start("eu-west-1")).ok);
      await until("backfill counted its images", () => backfills.get("bf-stop")?.status === "IN_PROGRESS" || undefined);
      const stopping = backfills.stop("bf-stop");
      assert.ok(stopping.ok && stopping.backfill.status === "STOPPING");
      c.release();
      const stopped = await until("backfill stopped", () => (backfills.get("bf-stop")?.status === "STOPPED" ? backfills.get("bf-stop") : undefined));
      assert.equal(stopped.results.length, 1, "the copy in flight finishes; no other starts");
      assert.deepEqual(backfills.stop("bf-stop"), { ok: false, reason: "terminal", status: "STOPPED" });
      assert.deepEqual(backfills.stop("nope"), { ok: false, reason: "not-found" });
      assert.deepEqual(backfills.list().map((b) => b.id), ["bf-stop"]);
      await backfills.close();
    });
  });
}
