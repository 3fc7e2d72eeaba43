import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { eachRegistryMetadata } from "../../test/support/each-store.js";
import { until } from "../../test/support/until.js";
import { digestOf } from "./digest.js";
import { mediaTypes } from "./manifest.js";
import type { PutManifest, RegistryMetadata, RepositoryRecord } from "./metadata.js";

/**
 * The RegistryMetadata contract, run on SQLite and on PostgreSQL: both keep the same orders, pages,
 * idempotence and refusals, so the registry above them behaves the same on one server or on replicas.
 */

const aRepository = (name: string, overrides: Partial<RepositoryRecord> = {}): RepositoryRecord => ({ name, createdAtMs: 1_000, imageTagMutability: "MUTABLE", ...overrides });

/** A manifest of `repository`, distinct per `seed`, referring to the blobs `blob <seed>` unless overridden. */
function aManifest(repository: string, seed: string, overrides: Partial<PutManifest> = {}): PutManifest {
  const content = Buffer.from(`{"seed":"${seed}"}`);
  return {
    repository,
    digest: digestOf(content),
    mediaType: mediaTypes.dockerManifest,
    content,
    imageSize: content.length,
    pushedAtMs: 2_000,
    blobs: [digestOf(Buffer.from(`blob ${seed}`))],
    manifests: [],
    ...overrides,
  };
}

const names = async (m: RegistryMetadata, limit: number): Promise<string[][]> => {
  const pages: string[][] = [];
  let after: string | undefined;
  do {
    const page = await m.listRepositories({ limit, after });
    pages.push(page.items.map((r) => r.name));
    after = page.nextAfter;
  } while (after !== undefined);
  return pages;
};

for (const impl of eachRegistryMetadata()) {
  describe(`registry metadata on ${impl.name}`, () => {
    let m: RegistryMetadata;
    before(async () => (m = await impl.open()));
    after(() => m.close());

    describe("repositories", () => {
      it("creates a repository once, with its resource tags (a key given twice keeps its last value), and reads it back", async () => {
        const record = aRepository("repos/one", { imageTagMutability: "IMMUTABLE", scanOnPush: true });
        assert.deepEqual(await m.createRepository(record, [{ key: "team", value: "a" }, { key: "env", value: "dev" }, { key: "team", value: "b" }]), { ok: true, repository: record });
        assert.deepEqual(await m.createRepository(aRepository("repos/one")), { ok: false, reason: "exists" });
        assert.deepEqual(await m.getRepository("repos/one"), {
          name: "repos/one",
          createdAtMs: 1_000,
          imageTagMutability: "IMMUTABLE",
          lifecyclePolicyText: undefined,
          repositoryPolicyText: undefined,
          scanOnPush: true,
          lifecycleEvaluatedAtMs: undefined,
        });
        assert.deepEqual(await m.listRepositoryTags("repos/one"), [{ key: "env", value: "dev" }, { key: "team", value: "b" }]);
        assert.equal(await m.getRepository("repos/none"), undefined);
        assert.equal(await m.listRepositoryTags("repos/none"), undefined);
      });

      it("lists repositories in byte order, page by page", async () => {
        for (const name of ["list/b", "list/a_b", "list/a-b", "list/ab", "list/a/b", "list/a"]) await m.createRepository(aRepository(name));
        const pages = (await names(m, 4)).map((p) => p.filter((n) => n.startsWith("list/")));
        assert.deepEqual(pages.flat(), ["list/a", "list/a-b", "list/a/b", "list/a_b", "list/ab", "list/b"]);
        const all = (await names(m, 1000)).flat();
        assert.deepEqual(all, [...all].sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))));
        assert.deepEqual(await m.listRepositories({ limit: 2, after: "list/a/b" }), {
          items: (await Promise.all(["list/a_b", "list/ab"].map((n) => m.getRepository(n)))).filter((r) => r !== undefined),
          nextAfter: "list/ab",
        });
      });

      it("replaces resource tags, and answers false for a repository that is not there", async () => {
        await m.createRepository(aRepository("tags/r"), [{ key: "old", value: "1" }]);
        assert.equal(await m.setRepositoryTags("tags/r", [{ key: "z", value: "2" }, { key: "a", value: "1" }]), true);
        assert.deepEqual(await m.listRepositoryTags("tags/r"), [{ key: "a", value: "1" }, { key: "z", value: "2" }]);
        assert.equal(await m.setRepositoryTags("tags/r", []), true);
        assert.deepEqual(await m.listRepositoryTags("tags/r"), []);
        assert.equal(await m.setRepositoryTags("tags/none", [{ key: "a", value: "1" }]), false);
      });

      it("sets mutability, scan on push and policies; a new lifecycle policy clears its last evaluation", async () => {
        await m.createRepository(aRepository("set/r"));
        assert.equal(await m.setLifecycleEvaluatedAt("set/r", 5), false, "no policy, nothing evaluated");
        assert.equal(await m.setTagMutability("set/r", "IMMUTABLE"), true);
        assert.equal(await m.setScanOnPush("set/r", true), true);
        assert.equal(await m.setLifecyclePolicy("set/r", '{"rules":[]}'), true);
        assert.equal(await m.setLifecycleEvaluatedAt("set/r", 5), true);
        assert.equal(await m.setRepositoryPolicy("set/r", '{"Statement":[]}'), true);
        assert.deepEqual(await m.getRepository("set/r"), {
          name: "set/r",
          createdAtMs: 1_000,
          imageTagMutability: "IMMUTABLE",
          lifecyclePolicyText: '{"rules":[]}',
          repositoryPolicyText: '{"Statement":[]}',
          scanOnPush: true,
          lifecycleEvaluatedAtMs: 5,
        });
        assert.equal(await m.setLifecyclePolicy("set/r", '{"rules":[1]}'), true);
        assert.equal((await m.getRepository("set/r"))?.lifecycleEvaluatedAtMs, undefined);
        assert.equal(await m.setLifecyclePolicy("set/r", undefined), true);
        assert.equal(await m.setRepositoryPolicy("set/r", undefined), true);
        const cleared = await m.getRepository("set/r");
        assert.equal(cleared?.lifecyclePolicyText, undefined);
        assert.equal(cleared?.repositoryPolicyText, undefined);
        for (const set of [
          () => m.setTagMutability("set/none", "MUTABLE"),
          () => m.setScanOnPush("set/none", true),
          () => m.setLifecyclePolicy("set/none", "{}"),
          () => m.setRepositoryPolicy("set/none", "{}"),
          () => m.setLifecycleEvaluatedAt("set/none", 1),
        ]) {
          assert.equal(await set(), false);
        }
      });

      it("tells the policy listeners of a policy set or removed and of a deleted repository", async () => {
        const heard: string[] = [];
        m.onPolicyChange((name) => heard.push(name));
        await m.createRepository(aRepository("heard/r"));
        await m.setRepositoryPolicy("heard/r", '{"Statement":[]}');
        await m.setRepositoryPolicy("heard/r", undefined);
        await m.setLifecyclePolicy("heard/r", "{}");
        await m.deleteRepository("heard/r");
        assert.deepEqual(heard, ["heard/r", "heard/r", "heard/r"]);
      });

      it("deletes a repository with its manifests, tags, resource tags and blob links: one made again of that name starts empty", async () => {
        await m.createRepository(aRepository("gone/r"), [{ key: "k", value: "v" }]);
        const put = aManifest("gone/r", "x", { tag: "v1" });
        await m.putManifest(put);
        await m.linkBlob("gone/r", "sha256:extra");
        assert.equal(await m.deleteRepository("gone/r"), true);
        assert.equal(await m.deleteRepository("gone/r"), false);
        assert.equal(await m.getRepository("gone/r"), undefined);
        await m.createRepository(aRepository("gone/r"));
        assert.deepEqual(await m.listManifests("gone/r"), []);
        assert.deepEqual(await m.listTags("gone/r", { limit: 10 }), { items: [] });
        assert.deepEqual(await m.listRepositoryTags("gone/r"), []);
        assert.equal(await m.isBlobLinked("gone/r", "sha256:extra"), false);
        assert.equal(await m.isBlobLinked("gone/r", put.blobs[0]!), false);
      });
    });

    describe("registry settings", () => {
      it("sets, replaces and removes a setting", async () => {
        assert.equal(await m.getRegistrySetting("registry-policy"), undefined);
        await m.setRegistrySetting("registry-policy", "one");
        await m.setRegistrySetting("registry-policy", "two");
        await m.setRegistrySetting("account-setting:BASIC_SCAN_TYPE_VERSION", "AWS_NATIVE");
        assert.equal(await m.getRegistrySetting("registry-policy"), "two");
        await m.setRegistrySetting("registry-policy", undefined);
        assert.equal(await m.getRegistrySetting("registry-policy"), undefined);
        assert.equal(await m.getRegistrySetting("account-setting:BASIC_SCAN_TYPE_VERSION"), "AWS_NATIVE");
      });
    });

    describe("manifests and tags", () => {
      it("stores a manifest once (idempotent), links its blobs, and points its tag at it", async () => {
        await m.createRepository(aRepository("put/r"));
        const put = aManifest("put/r", "a", { tag: "v1", blobs: ["sha256:b1", "sha256:b2", "sha256:b1"] });
        assert.deepEqual(await m.putManifest(put), { ok: true, created: true });
        assert.deepEqual(await m.putManifest({ ...put, pushedAtMs: 9_999 }), { ok: true, created: false });
        const stored = await m.getManifest("put/r", { tag: "v1" });
        assert.deepEqual(stored, { repository: "put/r", digest: put.digest, mediaType: put.mediaType, content: put.content, imageSize: put.imageSize, pushedAtMs: 2_000, tags: ["v1"] });
        assert.deepEqual(await m.getManifest("put/r", { digest: put.digest }), stored);
        assert.ok(Buffer.isBuffer(stored?.content));
        assert.equal(await m.isBlobLinked("put/r", "sha256:b1"), true);
        assert.equal(await m.isBlobLinked("put/r", "sha256:b2"), true);
        assert.equal(await m.getManifest("put/r", { tag: "nope" }), undefined);
        assert.equal(await m.getManifest("put/r", { digest: "sha256:nope" }), undefined);
        assert.deepEqual(await m.putManifest(aManifest("put/none", "a")), { ok: false, reason: "repository-not-found" });
      });

      it("moves a mutable tag; an immutable one takes only the digest it names", async () => {
        await m.createRepository(aRepository("mut/r"));
        await m.createRepository(aRepository("imm/r", { imageTagMutability: "IMMUTABLE" }));
        const [a, b] = [aManifest("mut/r", "a", { tag: "t" }), aManifest("mut/r", "b", { tag: "t" })];
        await m.putManifest(a);
        await m.putManifest(b);
        assert.deepEqual((await m.getManifest("mut/r", { tag: "t" }))?.digest, b.digest);
        assert.deepEqual((await m.getManifest("mut/r", { digest: a.digest }))?.tags, []);

        const first = aManifest("imm/r", "a", { tag: "t" });
        assert.deepEqual(await m.putManifest(first), { ok: true, created: true });
        assert.deepEqual(await m.putManifest(first), { ok: true, created: false });
        const other = aManifest("imm/r", "b", { tag: "t" });
        assert.deepEqual(await m.putManifest(other), { ok: false, reason: "tag-immutable", currentDigest: first.digest });
        assert.equal(await m.getManifest("imm/r", { digest: other.digest }), undefined, "a refused push stores nothing");
        assert.deepEqual(await m.putManifest({ ...other, tag: undefined }), { ok: true, created: true }, "untagged, it is welcome");
      });

      it("lists manifests oldest push first (then by digest), each with its tags in order", async () => {
        await m.createRepository(aRepository("order/r"));
        const late = aManifest("order/r", "late", { pushedAtMs: 3_000, tag: "z" });
        const early = [aManifest("order/r", "e1", { pushedAtMs: 1_000 }), aManifest("order/r", "e2", { pushedAtMs: 1_000 })];
        await m.putManifest(late);
        await m.putManifest({ ...late, tag: "a" });
        for (const e of early) await m.putManifest(e);
        const listed = await m.listManifests("order/r");
        assert.deepEqual(
          listed.map((r) => r.digest),
          [...early.map((e) => e.digest).sort(), late.digest],
        );
        assert.deepEqual(listed[2]?.tags, ["a", "z"]);
        assert.deepEqual(await m.listManifests("order/none"), []);
      });

      it("lists tags in byte order, page by page, and untags", async () => {
        await m.createRepository(aRepository("tags/list"));
        const put = aManifest("tags/list", "a");
        await m.putManifest(put);
        for (const tag of ["b", "B", "a-1", "a.1", "a_1", "a"]) await m.putManifest({ ...put, tag });
        const first = await m.listTags("tags/list", { limit: 4 });
        assert.deepEqual(first, { items: ["B", "a", "a-1", "a.1"], nextAfter: "a.1" });
        assert.deepEqual(await m.listTags("tags/list", { limit: 4, after: first.nextAfter }), { items: ["a_1", "b"] });
        assert.equal(await m.untag("tags/list", "B"), true);
        assert.equal(await m.untag("tags/list", "B"), false);
        assert.deepEqual((await m.getManifest("tags/list", { digest: put.digest }))?.tags, ["a", "a-1", "a.1", "a_1", "b"]);
      });

      it("deletes a manifest with its tags, but not one an index of the repository refers to", async () => {
        await m.createRepository(aRepository("del/r"));
        const child = aManifest("del/r", "child", { tag: "c" });
        await m.putManifest(child);
        await m.putManifest({ ...child, tag: "b" });
        const index = aManifest("del/r", "index", { mediaType: mediaTypes.ociIndex, blobs: [], manifests: [child.digest], tag: "i" });
        await m.putManifest(index);
        assert.deepEqual(await m.deleteManifest("del/r", child.digest), { ok: false, reason: "referenced-by-index", parent: index.digest });
        assert.deepEqual(await m.deleteManifest("del/r", index.digest), { ok: true, tags: ["i"] });
        assert.deepEqual(await m.deleteManifest("del/r", child.digest), { ok: true, tags: ["b", "c"] });
        assert.deepEqual(await m.deleteManifest("del/r", child.digest), { ok: false, reason: "not-found" });
        assert.deepEqual(await m.deleteManifest("del/none", child.digest), { ok: false, reason: "not-found" });
        assert.deepEqual(await m.listTags("del/r", { limit: 10 }), { items: [] });
      });

      it("serializes racing pushes: an immutable tag ends on exactly one of the digests raced for it", async () => {
        await m.createRepository(aRepository("race/r", { imageTagMutability: "IMMUTABLE" }));
        const puts = Array.from({ length: 12 }, (_, i) => aManifest("race/r", `r${i}`, { tag: "latest" }));
        const results = await Promise.all(puts.map((p) => m.putManifest(p)));
        const won = results.flatMap((r, i) => (r.ok ? [puts[i]!.digest] : []));
        assert.equal(won.length, 1);
        assert.equal((await m.getManifest("race/r", { tag: "latest" }))?.digest, won[0]);
        assert.deepEqual(
          (await m.listManifests("race/r")).map((r) => r.digest),
          won,
        );
      });
    });

    describe("blob links", () => {
      it("links idempotently, unlinks, and knows which blobs manifests refer to", async () => {
        await m.createRepository(aRepository("blobs/r"));
        await m.createRepository(aRepository("blobs/s"));
        await m.linkBlob("blobs/r", "sha256:l1");
        await m.linkBlob("blobs/r", "sha256:l1");
        await m.linkBlob("blobs/s", "sha256:l1");
        assert.equal(await m.isBlobLinked("blobs/r", "sha256:l1"), true);
        assert.equal(await m.unlinkBlob("blobs/r", "sha256:l1"), true);
        assert.equal(await m.unlinkBlob("blobs/r", "sha256:l1"), false);
        assert.equal(await m.isBlobLinked("blobs/r", "sha256:l1"), false);
        const put = aManifest("blobs/r", "m", { blobs: ["sha256:ref1", "sha256:ref2"] });
        await m.putManifest(put);
        const referenced = await m.referencedBlobs();
        assert.ok(referenced.has("sha256:ref1") && referenced.has("sha256:ref2"));
        assert.ok(!referenced.has("sha256:l1"), "a link alone is no reference");
        await m.deleteManifest("blobs/r", put.digest);
        assert.ok(!(await m.referencedBlobs()).has("sha256:ref1"));
      });

      it("forgets the links of collected blobs in every repository", async () => {
        await m.createRepository(aRepository("forget/r"));
        await m.createRepository(aRepository("forget/s"));
        for (const repo of ["forget/r", "forget/s"]) for (const d of ["sha256:f1", "sha256:f2", "sha256:keep"]) await m.linkBlob(repo, d);
        await m.forgetBlobs(["sha256:f1", "sha256:f2"]);
        await m.forgetBlobs([]);
        for (const repo of ["forget/r", "forget/s"]) {
          assert.equal(await m.isBlobLinked(repo, "sha256:f1"), false);
          assert.equal(await m.isBlobLinked(repo, "sha256:f2"), false);
          assert.equal(await m.isBlobLinked(repo, "sha256:keep"), true);
        }
      });
    });

    describe("the GC lock", () => {
      /** Nothing tells that a waiter is still waiting: a short wait gives one that would not wait the time to get in. */
      const settle = () => new Promise((r) => setTimeout(r, 200));

      it("lets readers in together; the writer waits for them, and readers that come after wait for it", async () => {
        const events: string[] = [];
        let endReads!: () => void;
        const readsMayEnd = new Promise<void>((r) => (endReads = r));
        let endWrite!: () => void;
        const writeMayEnd = new Promise<void>((r) => (endWrite = r));
        const held: Promise<void>[] = [];
        try {
          for (const n of [1, 2]) {
            held.push(
              m.gcLock.read(async () => {
                events.push(`read ${n}`);
                await readsMayEnd;
                events.push(`read ${n} done`);
              }),
            );
          }
          await until("both readers in", () => (events.length === 2 ? true : undefined));
          const write = m.gcLock.write(async () => {
            events.push("write");
            await writeMayEnd;
            events.push("write done");
          });
          held.push(write);
          await settle();
          // Readers in together enter in no set order (with PostgreSQL, each on its own connection).
          assert.deepEqual([...events].sort(), ["read 1", "read 2"], "the writer waits for the readers in");
          endReads();
          await until("the writer in", () => (events.includes("write") ? true : undefined));
          const late = m.gcLock.read(() => {
            events.push("read 3");
            return Promise.resolve();
          });
          held.push(late);
          await settle();
          assert.equal(events.includes("read 3"), false, "a reader waits for the writer in");
          endWrite();
          await Promise.all(held);
          assert.deepEqual(events.slice(4), ["write", "write done", "read 3"], "the writer after both readers, the late reader after it");
        } finally {
          // A failed assertion must not leave holders that the metadata's close would wait for.
          endReads();
          endWrite();
          await Promise.allSettled(held);
        }
      });

      it("is free again after a holder failed", async () => {
        await assert.rejects(m.gcLock.write(() => Promise.reject(new Error("boom"))), /boom/);
        await assert.rejects(m.gcLock.read(() => Promise.reject(new Error("bang"))), /bang/);
        assert.equal(await m.gcLock.write(() => Promise.resolve("free")), "free");
      });
    });
  });
}
