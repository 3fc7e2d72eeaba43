import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { AwsError } from "../errors/catalog.js";
import { digestOf } from "./digest.js";
import { putImage } from "./ecr-image-writes.js";
import { aBlob, anImageManifest, startTestRegistry, testPrincipal, type TestRegistry } from "./testing.js";
import { admitBytes, admitSession, idleSessions, type UploadLimits } from "./upload-limits.js";

/** Small limits, so that the tests reach them with a few bytes. */
const limits: UploadLimits = { maxSessionsPerPrincipal: 3, maxBytesPerPrincipal: 100, idleTimeoutMs: 60_000 };

let t: TestRegistry;
before(async () => {
  t = await startTestRegistry({ uploadLimits: limits });
});
after(async () => {
  await t.close();
});

function call(path: string, init: RequestInit & { auth?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", init.auth ?? t.auth);
  return fetch(`${t.base}${path}`, { ...init, headers });
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly code: string | undefined;
  readonly message: string | undefined;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  const body: unknown = text === "" ? undefined : JSON.parse(text);
  const first: unknown = typeof body === "object" && body !== null && "errors" in body && Array.isArray(body.errors) ? body.errors[0] : undefined;
  const field = (k: string): string | undefined =>
    typeof first === "object" && first !== null && k in first && typeof (first as Record<string, unknown>)[k] === "string" ? String((first as Record<string, unknown>)[k]) : undefined;
  return { status: res.status, headers: res.headers, code: field("code"), message: field("message") };
}

/** A PATCH whose body is sent chunked (no Content-Length), the way docker streams a layer. */
function patchChunked(location: string, pieces: Buffer[], headers: Record<string, string> = {}, auth = t.auth): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`${t.base}${location}`), { method: "PATCH", headers: { Authorization: auth, "Content-Type": "application/octet-stream", ...headers } });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const r = new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: Object.entries(res.headers).map(([k, v]) => [k, String(v)]) });
        answer(r).then(resolve, reject);
      });
    });
    for (const p of pieces) req.write(p);
    req.end();
  });
}

async function startSession(repo: string, auth = t.auth): Promise<string> {
  const res = await call(`/v2/${repo}/blobs/uploads/`, { method: "POST", auth });
  assert.equal(res.status, 202);
  return res.headers.get("location") ?? "";
}

const idOf = (location: string): string => location.split("/").pop() ?? "";
const dataSize = async (location: string): Promise<number> => (await stat(join(t.dataDir, "uploads", idOf(location), "data"))).size;
const rangeOf = async (location: string, auth = t.auth): Promise<string | null> => (await call(location, { auth })).headers.get("range");
const cancelAll = async (locations: string[], auth = t.auth): Promise<void> => {
  for (const l of locations) await call(l, { method: "DELETE", auth });
};

describe("upload limits: decisions", () => {
  it("admit a session below the count and refuse at it", () => {
    assert.deepEqual(admitSession("p", { sessions: 2, bytes: 0 }, limits), { ok: true });
    assert.deepEqual(admitSession("p", { sessions: 3, bytes: 0 }, limits), { ok: false, limit: "sessions", principal: "p", open: 3, max: 3 });
  });
  it("admit bytes up to the limit inclusive", () => {
    assert.deepEqual(admitBytes("p", { sessions: 1, bytes: 60 }, 40, limits), { ok: true });
    assert.deepEqual(admitBytes("p", { sessions: 1, bytes: 60 }, 41, limits), { ok: false, limit: "bytes", principal: "p", held: 60, adding: 41, max: 100 });
  });
  it("find sessions idle at the timeout, never one being written", () => {
    const sessions = [
      { id: "b", touchedAtMs: 0, writing: false },
      { id: "a", touchedAtMs: 40_000, writing: false },
      { id: "busy", touchedAtMs: 0, writing: true },
      { id: "fresh", touchedAtMs: 40_001, writing: false },
    ];
    assert.deepEqual(idleSessions(sessions, 100_000, 60_000), ["a", "b"]);
  });
});

describe("upload limits: open sessions per principal", () => {
  it("refuses the session past the count with 429 TOOMANYREQUESTS, per principal, and frees a slot on cancel or completion", async () => {
    await t.createRepository("count");
    const open = [await startSession("count"), await startSession("count"), await startSession("count")];
    const refused = await answer(await call("/v2/count/blobs/uploads/", { method: "POST" }));
    assert.equal(refused.status, 429);
    assert.equal(refused.code, "TOOMANYREQUESTS");
    assert.match(refused.message ?? "", /open upload sessions.*'tester' holds 3 and the limit is 3.*--registry-max-upload-sessions/);
    const monolithic = aBlob("monolithic while full");
    assert.equal((await call(`/v2/count/blobs/uploads/?digest=${monolithic.digest}`, { method: "POST", body: monolithic.bytes })).status, 429);

    const bob = t.authAs("bob");
    const bobs = await startSession("count", bob);
    assert.deepEqual(t.registry.uploads.usage("bob"), { sessions: 1, bytes: 0 });

    assert.equal((await call(open[0]!, { method: "DELETE" })).status, 204);
    open[0] = await startSession("count");
    const blob = aBlob("done");
    assert.equal((await call(`${open[1]}?digest=${blob.digest}`, { method: "PUT", body: blob.bytes })).status, 201);
    open[1] = await startSession("count");
    assert.equal((await call("/v2/count/blobs/uploads/", { method: "POST" })).status, 429);
    // A mount opens no session, so a full principal can still mount.
    const mounted = await call(`/v2/count/blobs/uploads/?mount=${blob.digest}&from=count`, { method: "POST" });
    assert.equal(mounted.status, 201);
    await cancelAll(open);
    await cancelAll([bobs], bob);
    assert.deepEqual(t.registry.uploads.usage(testPrincipal), { sessions: 0, bytes: 0 });
  });
});

describe("upload sessions belong to the principal that opened them", () => {
  it("another principal holding the session's URL can neither read, feed, finish nor cancel it", async () => {
    const mine = await startSession("count");
    assert.equal((await call(mine, { method: "PATCH", body: Buffer.alloc(10, 1) })).status, 202);
    const mallory = t.authAs("mallory");
    const blob = aBlob("not yours");
    for (const [method, path, body] of [["GET", mine, undefined], ["PATCH", mine, Buffer.alloc(10, 2)], ["PUT", `${mine}?digest=${blob.digest}`, blob.bytes], ["DELETE", mine, undefined]] as const) {
      const refused = await answer(await call(path, { method, body, auth: mallory }));
      assert.equal(refused.status, 404, `${method} by another principal`);
      assert.equal(refused.code, "BLOB_UPLOAD_UNKNOWN");
    }
    assert.deepEqual(t.registry.uploads.usage("mallory"), { sessions: 0, bytes: 0 });
    assert.equal(await rangeOf(mine), "0-9", "the owner's session is as it was");
    await cancelAll([mine]);
  });
});

describe("upload limits: bytes held per principal", () => {
  it("refuses a chunk that would pass the byte limit, up front or as it streams, leaving every session as it was", async () => {
    await t.createRepository("bytes");
    const a = await startSession("bytes");
    const b = await startSession("bytes");
    assert.equal((await call(a, { method: "PATCH", body: Buffer.alloc(60, 1) })).status, 202);

    const declared = await answer(await call(b, { method: "PATCH", body: Buffer.alloc(41, 2) }));
    assert.equal(declared.status, 429);
    assert.equal(declared.code, "TOOMANYREQUESTS");
    assert.match(declared.message ?? "", /holds 60 bytes, this chunk needs 41 more and the limit is 100.*--registry-max-upload-bytes/);
    assert.equal(declared.headers.get("range"), "0-0");

    const streamed = await patchChunked(b, [Buffer.alloc(30, 3), Buffer.alloc(30, 3)]);
    assert.equal(streamed.status, 429);
    assert.equal(streamed.code, "TOOMANYREQUESTS");
    assert.equal(await dataSize(b), 0, "the refused chunk is undone");
    assert.equal(await rangeOf(a), "0-59");
    assert.deepEqual(t.registry.uploads.usage(testPrincipal), { sessions: 2, bytes: 60 });

    const bob = t.authAs("bob");
    const bobs = await startSession("bytes", bob);
    assert.equal((await call(bobs, { method: "PATCH", body: Buffer.alloc(100, 4), auth: bob })).status, 202, "limits are per principal");

    const tooBig = aBlob("x".repeat(101));
    const mono = await answer(await call(`/v2/bytes/blobs/uploads/?digest=${tooBig.digest}`, { method: "POST", body: tooBig.bytes }));
    assert.equal(mono.code, "TOOMANYREQUESTS");
    assert.deepEqual(t.registry.uploads.usage(testPrincipal), { sessions: 2, bytes: 60 }, "a refused monolithic upload leaves no session");

    // Completing the 60-byte session frees its bytes for the other.
    const sixty = Buffer.alloc(60, 1);
    assert.equal((await call(`${a}?digest=${digestOf(sixty)}`, { method: "PUT" })).status, 201);
    const later = await patchChunked(b, [Buffer.alloc(50, 5), Buffer.alloc(50, 5)]);
    assert.equal(later.status, 202);
    assert.equal(later.headers.get("range"), "0-99");
    assert.equal((await call(`${b}?digest=${digestOf(Buffer.alloc(100, 5))}`, { method: "PUT" })).status, 201, "the hash survived the refused chunks");
    await cancelAll([bobs], bob);
  });
});

describe("upload limits: idle sessions", () => {
  it("abandons a session untouched for the idle timeout and removes its data; reading its status does not touch it", async () => {
    await t.createRepository("idle");
    const s = await startSession("idle");
    assert.equal((await call(s, { method: "PATCH", body: "abc" })).status, 202);
    t.clock.now += limits.idleTimeoutMs - 1;
    assert.equal(await rangeOf(s), "0-2");
    t.clock.now += 1;
    const gone = await answer(await call(s));
    assert.equal(gone.status, 404);
    assert.equal(gone.code, "BLOB_UPLOAD_UNKNOWN");
    await assert.rejects(stat(join(t.dataDir, "uploads", idOf(s))), /ENOENT/);
  });

  it("counts a chunk as activity, and frees an idle principal's slots for its next session", async () => {
    const open = [await startSession("idle"), await startSession("idle"), await startSession("idle")];
    t.clock.now += limits.idleTimeoutMs / 2;
    assert.equal((await call(open[0]!, { method: "PATCH", body: "keep me" })).status, 202);
    t.clock.now += limits.idleTimeoutMs / 2;
    const swept = await t.registry.uploads.sweep();
    assert.deepEqual(swept, [idOf(open[1]!), idOf(open[2]!)].sort());
    assert.equal(await rangeOf(open[0]!), "0-6", "touched halfway, so not idle yet");

    await startSession("idle");
    await startSession("idle");
    t.clock.now += limits.idleTimeoutMs;
    const next = await call("/v2/idle/blobs/uploads/", { method: "POST" });
    assert.equal(next.status, 202, "the POST swept the idle sessions before counting");
    assert.deepEqual(t.registry.uploads.usage(testPrincipal), { sessions: 1, bytes: 0 });
    await cancelAll([next.headers.get("location") ?? ""]);
  });
});

describe("upload limits: Content-Range on PATCH", () => {
  const cases: { name: string; range: string; body: Buffer; chunked?: boolean; status: number; code: string }[] = [
    { name: "a chunk that does not start at the offset", range: "5-7", body: Buffer.from("xyz"), status: 416, code: "RANGE_INVALID" },
    { name: "a chunk that starts before the offset", range: "0-2", body: Buffer.from("xyz"), status: 416, code: "RANGE_INVALID" },
    { name: "a range shorter than Content-Length (3-6 with 16 bytes)", range: "3-6", body: Buffer.alloc(16, 7), status: 400, code: "SIZE_INVALID" },
    { name: "a range longer than Content-Length", range: "3-18", body: Buffer.from("four"), status: 400, code: "SIZE_INVALID" },
    { name: "a chunked body longer than its range", range: "3-6", body: Buffer.alloc(16, 7), chunked: true, status: 400, code: "SIZE_INVALID" },
    { name: "a chunked body shorter than its range", range: "3-6", body: Buffer.from("xy"), chunked: true, status: 400, code: "SIZE_INVALID" },
    { name: "a malformed range", range: "three-six", body: Buffer.from("four"), status: 400, code: "BLOB_UPLOAD_INVALID" },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} and changes nothing`, async () => {
      await t.createRepository("ranges").catch(() => undefined);
      const s = await startSession("ranges");
      assert.equal((await call(s, { method: "PATCH", body: "abc", headers: { "Content-Range": "0-2" } })).status, 202);
      const r = c.chunked === true ? await patchChunked(s, [c.body], { "Content-Range": c.range }) : await answer(await call(s, { method: "PATCH", body: c.body, headers: { "Content-Range": c.range } }));
      assert.equal(r.status, c.status);
      assert.equal(r.code, c.code);
      assert.equal(await rangeOf(s), "0-2");
      assert.equal(await dataSize(s), 3);
      assert.deepEqual(t.registry.uploads.usage(testPrincipal), { sessions: 1, bytes: 3 });
      // The session goes on from where it was, with its running hash intact.
      assert.equal((await call(s, { method: "PATCH", body: "def", headers: { "Content-Range": "3-5" } })).status, 202);
      const whole = aBlob("abcdef");
      assert.equal((await call(`${s}?digest=${whole.digest}`, { method: "PUT" })).status, 201);
    });
  }

  it("accepts the spec's chunk headers when they agree, chunked or not", async () => {
    const s = await startSession("ranges");
    assert.equal((await patchChunked(s, [Buffer.from("ab"), Buffer.from("cd")], { "Content-Range": "0-3" })).status, 202);
    assert.equal((await call(s, { method: "PATCH", body: "ef", headers: { "Content-Range": "4-5" } })).status, 202);
    assert.equal((await call(`${s}?digest=${aBlob("abcdef").digest}`, { method: "PUT" })).status, 201);
  });
});

describe("upload limits: monolithic uploads", () => {
  it("leaves no session behind after a digest mismatch or a client that stops early", async () => {
    await t.createRepository("mono");
    const honest = aBlob("honest bytes");
    const wrong = await answer(await call(`/v2/mono/blobs/uploads/?digest=${aBlob("other").digest}`, { method: "POST", body: honest.bytes }));
    assert.equal(wrong.code, "DIGEST_INVALID");
    await new Promise<void>((resolve) => {
      const req = request(new URL(`${t.base}/v2/mono/blobs/uploads/?digest=${honest.digest}`), {
        method: "POST",
        headers: { Authorization: t.auth, "Content-Length": String(honest.bytes.length + 10) },
      });
      req.on("error", () => resolve());
      req.write(honest.bytes, () => setTimeout(() => (req.destroy(), resolve()), 50));
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(t.registry.uploads.usage(testPrincipal), { sessions: 0, bytes: 0 });
    assert.equal(await t.registry.blobs.stat(honest.digest), undefined);
  });
});

describe("manifest descriptor sizes", () => {
  it("refuses a manifest whose descriptor claims another size than the stored blob, on PUT and on PutImage, storing nothing", async () => {
    await t.createRepository("sizes");
    const config = aBlob(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}}`);
    const layer = aBlob("layer of the sizes test");
    for (const b of [config, layer]) assert.equal((await call(`/v2/sizes/blobs/uploads/?digest=${b.digest}`, { method: "POST", body: b.bytes })).status, 201);
    const honest = JSON.parse(anImageManifest(config, [layer]).toString("utf8")) as { layers: { size: number }[] };
    honest.layers[0]!.size = 999999;
    const lying = Buffer.from(JSON.stringify(honest));

    const put = await answer(await call("/v2/sizes/manifests/v1", { method: "PUT", body: lying, headers: { "Content-Type": "application/vnd.docker.distribution.manifest.v2+json" } }));
    assert.equal(put.status, 400);
    assert.equal(put.code, "MANIFEST_INVALID");
    assert.match(put.message ?? "", new RegExp(`${layer.digest} declares size 999999 but it is ${layer.bytes.length} bytes`));
    assert.equal((await call("/v2/sizes/manifests/v1")).status, 404);
    assert.equal((await call(`/v2/sizes/manifests/${digestOf(lying)}`)).status, 404);

    await assert.rejects(
      putImage(t.registry, { registryId: "000000000000", repositoryName: "sizes" }, { imageManifest: lying.toString("utf8"), imageTag: "v1" }),
      (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterException" && /declares size 999999/.test(e.message),
    );
    assert.deepEqual(await t.registry.metadata.listManifests("sizes"), []);
    assert.equal((await call("/v2/sizes/manifests/v1", { method: "PUT", body: anImageManifest(config, [layer]), headers: { "Content-Type": "application/vnd.docker.distribution.manifest.v2+json" } })).status, 201);
  });
});
