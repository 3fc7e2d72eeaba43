import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer, text } from "node:stream/consumers";
import fc from "fast-check";
import { BlobStore } from "./blob-store.js";
import { digestOf } from "./digest.js";
import { planGc } from "./gc-plan.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "berth-blobs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function aStore(clock = () => 1_000_000): Promise<BlobStore> {
  const s = new BlobStore({ dataDir: dir, clock });
  await s.init();
  return s;
}

const chunksOf = (bytes: Buffer, cuts: number[]): Buffer[] => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
};

describe("blob store", () => {
  it("stores whatever chunking the client chose under the digest of the whole, and reads back any range", async () => {
    const store = await aStore();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 6 }), fc.nat(), fc.nat(), async (raw, cuts, a, b) => {
        const bytes = Buffer.from(raw);
        const digest = digestOf(bytes);
        const u = await store.startUpload("r");
        for (const chunk of chunksOf(bytes, cuts)) {
          const r = await store.append(u.id, Readable.from([chunk]));
          assert.ok(r.ok);
        }
        const done = await store.complete(u.id, digest);
        assert.deepEqual(done, { ok: true, digest, size: bytes.length });
        const start = Math.min(a, b) % bytes.length;
        const end = Math.max(start, Math.max(a, b) % bytes.length);
        assert.deepEqual(await buffer(store.read(digest, { start, end })), bytes.subarray(start, end + 1));
      }),
      { numRuns: 40 },
    );
  });

  it("resumes an upload after a restart, from the offset on disk", async () => {
    const first = await aStore();
    const u = await first.startUpload("r");
    assert.deepEqual(await first.append(u.id, Readable.from([Buffer.from("hello ")])), { ok: true, offset: 6 });
    const second = await aStore();
    const state = await second.getUpload(u.id);
    assert.equal(state?.offset, 6);
    assert.equal(state?.repository, "r");
    assert.deepEqual(await second.append(u.id, Readable.from([Buffer.from("world")]), { expectedStart: 6 }), { ok: true, offset: 11 });
    const digest = digestOf(Buffer.from("hello world"));
    assert.deepEqual(await second.complete(u.id, digest), { ok: true, digest, size: 11 });
    assert.equal(await text(second.read(digest)), "hello world");
  });

  it("refuses a chunk that does not start at the current offset, writing nothing", async () => {
    const store = await aStore();
    const u = await store.startUpload("r");
    await store.append(u.id, Readable.from([Buffer.from("abc")]));
    assert.deepEqual(await store.append(u.id, Readable.from([Buffer.from("zzz")]), { expectedStart: 1 }), { ok: false, reason: "offset-mismatch", offset: 3 });
    assert.equal((await store.getUpload(u.id))?.offset, 3);
  });

  it("undoes a chunk whose body fails midway (a client that dies) and keeps the running hash right", async () => {
    const store = await aStore();
    const u = await store.startUpload("r", "owner-1");
    await store.append(u.id, Readable.from([Buffer.from("abc")]));
    const dying = new Readable({
      read() {
        this.push(Buffer.from("partial"));
        this.destroy(new Error("connection reset"));
      },
    });
    await assert.rejects(store.append(u.id, dying), /connection reset/);
    const state = await store.getUpload(u.id);
    assert.equal(state?.offset, 3);
    assert.equal(state?.owner, "owner-1");
    assert.deepEqual(await store.append(u.id, Readable.from([Buffer.from("def")]), { expectedStart: 3, expectedLength: 3 }), { ok: true, offset: 6 });
    const digest = digestOf(Buffer.from("abcdef"));
    assert.deepEqual(await store.complete(u.id, digest), { ok: true, digest, size: 6 });
  });

  it("undoes a chunk the admission stops, reading the rest of the body", async () => {
    const store = await aStore();
    const u = await store.startUpload("r");
    let allowed = 4;
    const admit = (n: number): boolean => (allowed -= n) >= 0;
    const body = Readable.from([Buffer.from("ab"), Buffer.from("cd"), Buffer.from("ef"), Buffer.from("gh")]);
    assert.deepEqual(await store.append(u.id, body, { admit }), { ok: false, reason: "not-admitted", offset: 0 });
    assert.equal(body.readableEnded, true);
    assert.equal((await store.getUpload(u.id))?.offset, 0);
  });

  it("keeps no blob and no session after a digest mismatch", async () => {
    const store = await aStore();
    const u = await store.startUpload("r");
    const wrong = digestOf(Buffer.from("something else"));
    const r = await store.complete(u.id, wrong, Readable.from([Buffer.from("actual")]));
    assert.deepEqual(r, { ok: false, reason: "digest-mismatch", actual: digestOf(Buffer.from("actual")) });
    assert.equal(await store.stat(wrong), undefined);
    assert.deepEqual(await store.list(), []);
    assert.equal(await store.getUpload(u.id), undefined);
  });

  it("never shows a half-written upload as a blob (the crash case: bytes on disk, no completion)", async () => {
    const store = await aStore();
    const u = await store.startUpload("r");
    await store.append(u.id, Readable.from([Buffer.from("partial layer")]));
    const reopened = await aStore();
    assert.deepEqual(await reopened.list(), []);
    assert.deepEqual(await readdir(join(dir, "blobs", "sha256")), []);
    assert.equal((await reopened.listUploads()).length, 1);
  });

  it("answers unknown-upload for sessions that do not exist or ids that could escape the directory", async () => {
    const store = await aStore();
    for (const id of ["nope", "../blobs", ""]) {
      assert.deepEqual(await store.append(id, Readable.from([Buffer.from("x")])), { ok: false, reason: "unknown-upload" });
      assert.deepEqual(await store.complete(id, digestOf(Buffer.from("x"))), { ok: false, reason: "unknown-upload" });
    }
  });

  it("deletes blobs", async () => {
    const store = await aStore();
    const u = await store.startUpload("r");
    const digest = digestOf(Buffer.from("bye"));
    await store.complete(u.id, digest, Readable.from([Buffer.from("bye")]));
    assert.equal(await store.delete(digest), true);
    assert.equal(await store.delete(digest), false);
    assert.equal(await store.stat(digest), undefined);
  });
});

describe("GC plan", () => {
  const blob = (digest: string, mtimeMs: number) => ({ digest, size: 1, mtimeMs });
  const cases: { name: string; referenced: string[]; blobs: ReturnType<typeof blob>[]; expect: string[] }[] = [
    { name: "keeps referenced blobs however old", referenced: ["a"], blobs: [blob("a", 0)], expect: [] },
    { name: "removes unreferenced blobs past the grace", referenced: [], blobs: [blob("a", 0), blob("b", 9_500)], expect: ["a"] },
    { name: "grace boundary is inclusive", referenced: [], blobs: [blob("a", 9_000)], expect: ["a"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(planGc({ blobs: c.blobs, referenced: new Set(c.referenced), nowMs: 10_000, blobGraceMs: 1_000 }), c.expect);
    });
  }
});
