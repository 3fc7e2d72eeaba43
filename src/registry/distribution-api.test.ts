import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { aBlob, anImageManifest, startTestRegistry, type TestRegistry } from "./testing.js";
import { eachRegistryMetadata } from "../../test/support/each-store.js";
import { mediaTypes } from "./manifest.js";
import { digestOf } from "./digest.js";

let t: TestRegistry;

function call(path: string, init: RequestInit & { auth?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const auth = init.auth === undefined ? t.auth : init.auth;
  if (auth !== null) headers.set("Authorization", auth);
  return fetch(`${t.base}${path}`, { ...init, headers });
}

async function errorCode(res: Response): Promise<string | undefined> {
  const body: unknown = await res.json();
  if (typeof body !== "object" || body === null || !("errors" in body) || !Array.isArray(body.errors)) return undefined;
  const first: unknown = body.errors[0];
  return typeof first === "object" && first !== null && "code" in first && typeof first.code === "string" ? first.code : undefined;
}

/** Pushes a blob the way docker does: POST, PATCH in chunks, PUT with the digest. */
async function pushBlobChunked(repo: string, blob: { bytes: Buffer; digest: string }, chunkSize = 3): Promise<Response> {
  const start = await call(`/v2/${repo}/blobs/uploads/`, { method: "POST" });
  assert.equal(start.status, 202);
  let location = start.headers.get("location");
  assert.ok(location);
  for (let offset = 0; offset < blob.bytes.length; offset += chunkSize) {
    const chunk = blob.bytes.subarray(offset, offset + chunkSize);
    const patch = await call(location, {
      method: "PATCH",
      body: chunk,
      headers: { "Content-Range": `${offset}-${offset + chunk.length - 1}`, "Content-Type": "application/octet-stream" },
    });
    assert.equal(patch.status, 202);
    assert.equal(patch.headers.get("range"), `0-${offset + chunk.length - 1}`);
    location = patch.headers.get("location") ?? location;
  }
  return call(`${location}?digest=${blob.digest}`, { method: "PUT" });
}

const pushBlobMonolithic = (repo: string, blob: { bytes: Buffer; digest: string }): Promise<Response> =>
  call(`/v2/${repo}/blobs/uploads/?digest=${blob.digest}`, { method: "POST", body: blob.bytes });

const putManifest = (repo: string, reference: string, body: Buffer, type: string = mediaTypes.dockerManifest): Promise<Response> =>
  call(`/v2/${repo}/manifests/${reference}`, { method: "PUT", body, headers: { "Content-Type": type } });

async function pushImage(repo: string, name: string, tag: string): Promise<{ digest: string; layer: { bytes: Buffer; digest: string } }> {
  const config = aBlob(`{"config-of":"${name}"}`);
  const layer = aBlob(`layer bytes of ${name}`);
  assert.equal((await pushBlobChunked(repo, layer)).status, 201);
  assert.equal((await pushBlobMonolithic(repo, config)).status, 201);
  const manifest = anImageManifest(config, [layer]);
  const res = await putManifest(repo, tag, manifest);
  assert.equal(res.status, 201);
  return { digest: digestOf(manifest), layer };
}

for (const metadata of eachRegistryMetadata()) {
  describe(`the registry on ${metadata.name}`, () => {
    before(async () => {
      t = await startTestRegistry({ metadata: metadata.open });
    });
    after(async () => {
      await t.close();
    });

    describe("distribution API: authentication", () => {
      it("answers 401 with a Basic challenge without credentials, on the version check and on reads", async () => {
        for (const path of ["/v2/", "/v2/anything/tags/list", "/v2/_catalog"]) {
          const res = await call(path, { auth: null });
          assert.equal(res.status, 401, path);
          assert.match(res.headers.get("www-authenticate") ?? "", /^Basic realm="/);
          assert.equal(await errorCode(res), "UNAUTHORIZED");
        }
      });

      it("refuses a wrong password and accepts the right one", async () => {
        const wrong = await call("/v2/", { auth: `Basic ${Buffer.from("AWS:nope").toString("base64")}` });
        assert.equal(wrong.status, 401);
        const right = await call("/v2/");
        assert.equal(right.status, 200);
        assert.equal(right.headers.get("docker-distribution-api-version"), "registry/2.0");
      });
    });

    describe("distribution API: push and pull", () => {
      before(async () => {
        await t.createRepository("team/app");
        await t.createRepository("other");
      });

      it("accepts docker's push flow and serves the manifest by tag and by digest with one digest", async () => {
        const { digest } = await pushImage("team/app", "one", "v1");
        for (const ref of ["v1", digest]) {
          const res = await call(`/v2/team/app/manifests/${ref}`, { headers: { Accept: mediaTypes.dockerManifest } });
          assert.equal(res.status, 200);
          assert.equal(res.headers.get("docker-content-digest"), digest);
          assert.equal(res.headers.get("content-type"), mediaTypes.dockerManifest);
          assert.equal(digestOf(Buffer.from(await res.arrayBuffer())), digest);
          const head = await call(`/v2/team/app/manifests/${ref}`, { method: "HEAD" });
          assert.equal(head.status, 200);
          assert.equal(head.headers.get("docker-content-digest"), digest);
        }
      });

      it("serves blobs whole and by range", async () => {
        const blob = aBlob("0123456789abcdef");
        assert.equal((await pushBlobChunked("team/app", blob, 5)).status, 201);
        const whole = await call(`/v2/team/app/blobs/${blob.digest}`);
        assert.equal(whole.status, 200);
        assert.equal(await whole.text(), "0123456789abcdef");
        const cases: [string, number, string | undefined, string | undefined][] = [
          ["bytes=2-5", 206, "2345", "bytes 2-5/16"],
          ["bytes=10-", 206, "abcdef", "bytes 10-15/16"],
          ["bytes=-3", 206, "def", "bytes 13-15/16"],
          ["bytes=14-100", 206, "ef", "bytes 14-15/16"],
          ["bytes=16-20", 416, undefined, undefined],
        ];
        for (const [range, status, body, contentRange] of cases) {
          const res = await call(`/v2/team/app/blobs/${blob.digest}`, { headers: { Range: range } });
          assert.equal(res.status, status, range);
          if (body !== undefined) assert.equal(await res.text(), body, range);
          else await res.body?.cancel();
          assert.equal(res.headers.get("content-range") ?? undefined, contentRange, range);
        }
        const head = await call(`/v2/team/app/blobs/${blob.digest}`, { method: "HEAD" });
        assert.equal(head.headers.get("content-length"), "16");
      });

      it("mounts a blob from another repository without an upload, and falls back to an upload when the source lacks it", async () => {
        const blob = aBlob("shared layer");
        assert.equal((await pushBlobMonolithic("team/app", blob)).status, 201);
        assert.equal((await call(`/v2/other/blobs/${blob.digest}`, { method: "HEAD" })).status, 404);
        const mount = await call(`/v2/other/blobs/uploads/?mount=${blob.digest}&from=team/app`, { method: "POST" });
        assert.equal(mount.status, 201);
        assert.equal(mount.headers.get("docker-content-digest"), blob.digest);
        assert.equal((await call(`/v2/other/blobs/${blob.digest}`, { method: "HEAD" })).status, 200);
        const missing = aBlob("never pushed");
        const fallback = await call(`/v2/other/blobs/uploads/?mount=${missing.digest}&from=team/app`, { method: "POST" });
        assert.equal(fallback.status, 202);
        assert.ok(fallback.headers.get("docker-upload-uuid"));
      });

      it("refuses a digest that does not match the bytes, and keeps no blob", async () => {
        const blob = aBlob("honest bytes");
        const liar = aBlob("other bytes");
        const res = await pushBlobChunked("team/app", { bytes: blob.bytes, digest: liar.digest });
        assert.equal(res.status, 400);
        assert.equal(await errorCode(res), "DIGEST_INVALID");
        for (const d of [blob.digest, liar.digest]) {
          assert.equal((await call(`/v2/team/app/blobs/${d}`, { method: "HEAD" })).status, 404);
          assert.equal(await t.registry.blobs.stat(d), undefined);
        }
        const mono = await call(`/v2/team/app/blobs/uploads/?digest=${liar.digest}`, { method: "POST", body: blob.bytes });
        assert.equal(await errorCode(mono), "DIGEST_INVALID");
      });

      it("answers 416 with the current offset to a chunk that does not start there", async () => {
        const start = await call("/v2/team/app/blobs/uploads/", { method: "POST" });
        const location = start.headers.get("location") ?? "";
        await call(location, { method: "PATCH", body: "abc", headers: { "Content-Range": "0-2" } });
        const res = await call(location, { method: "PATCH", body: "xyz", headers: { "Content-Range": "5-7" } });
        assert.equal(res.status, 416);
        assert.equal(res.headers.get("range"), "0-2");
        const status = await call(location);
        assert.equal(status.status, 204);
        assert.equal(status.headers.get("range"), "0-2");
        assert.equal((await call(location, { method: "DELETE" })).status, 204);
        assert.equal((await call(location)).status, 404);
      });

      it("refuses a manifest whose blobs the repository does not hold", async () => {
        const config = aBlob("{}");
        const layer = aBlob("not uploaded");
        await pushBlobMonolithic("team/app", config);
        const res = await putManifest("team/app", "broken", anImageManifest(config, [layer]));
        assert.equal(res.status, 400);
        assert.equal(await errorCode(res), "MANIFEST_BLOB_UNKNOWN");
        assert.equal((await call("/v2/team/app/manifests/broken")).status, 404);
      });

      it("refuses pushes to a repository that does not exist, as ECR does", async () => {
        const start = await call("/v2/nope/blobs/uploads/", { method: "POST" });
        assert.equal(start.status, 404);
        assert.equal(await errorCode(start), "NAME_UNKNOWN");
        const put = await putManifest("nope", "v1", Buffer.from("{}"));
        assert.equal(await errorCode(put), "NAME_UNKNOWN");
      });

      it("refuses a malformed repository name", async () => {
        const res = await call("/v2/Bad_Name/tags/list");
        assert.equal(res.status, 400);
        assert.equal(await errorCode(res), "NAME_INVALID");
      });
    });

    describe("distribution API: immutable tags", () => {
      it("refuses to re-point a tag in an IMMUTABLE repository, but accepts the same manifest again", async () => {
        await t.createRepository("frozen", "IMMUTABLE");
        const { digest } = await pushImage("frozen", "first", "v1");
        const config = aBlob('{"second":true}');
        await pushBlobMonolithic("frozen", config);
        const other = await putManifest("frozen", "v1", anImageManifest(config, []));
        assert.equal(other.status, 400);
        const body = await other.text();
        assert.match(body, /TAG_INVALID/);
        assert.match(body, /already exists in the 'frozen' repository and cannot be overwritten because the repository is immutable/);
        const res = await call("/v2/frozen/manifests/v1", { method: "HEAD" });
        assert.equal(res.headers.get("docker-content-digest"), digest);
        const again = await call("/v2/frozen/manifests/v1");
        assert.equal((await putManifest("frozen", "v1", Buffer.from(await again.arrayBuffer()))).status, 201);
      });
    });

    describe("distribution API: abandoned uploads", () => {
      it("leaves no blob and no manifest when a chunked upload stops halfway, and a retried push succeeds", async () => {
        await t.createRepository("flaky");
        const layer = aBlob("x".repeat(64 * 1024));
        const start = await call("/v2/flaky/blobs/uploads/", { method: "POST" });
        const location = start.headers.get("location") ?? "";
        // The client dies in the middle of a PATCH body.
        await new Promise<void>((resolve) => {
          const url = new URL(`${t.base}${location}`);
          const req = request(url, { method: "PATCH", headers: { Authorization: t.auth, "Content-Type": "application/octet-stream" } });
          req.on("error", () => resolve());
          req.write(layer.bytes.subarray(0, 20_000), () => setTimeout(() => (req.destroy(), resolve()), 50));
        });
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(await t.registry.blobs.stat(layer.digest), undefined);
        assert.equal((await call(`/v2/flaky/blobs/${layer.digest}`, { method: "HEAD" })).status, 404);
        const config = aBlob('{"flaky":1}');
        await pushBlobMonolithic("flaky", config);
        const early = await putManifest("flaky", "latest", anImageManifest(config, [layer]));
        assert.equal(await errorCode(early), "MANIFEST_BLOB_UNKNOWN");
        assert.equal((await call("/v2/flaky/manifests/latest")).status, 404);
        const blobFiles = await readdir(join(t.dataDir, "blobs", "sha256", layer.digest.slice(7, 9))).catch((): string[] => []);
        assert.ok(!blobFiles.includes(layer.digest.slice(7)));

        assert.equal((await pushBlobChunked("flaky", layer, 10_000)).status, 201);
        assert.equal((await putManifest("flaky", "latest", anImageManifest(config, [layer]))).status, 201);
        const pulled = await call(`/v2/flaky/blobs/${layer.digest}`);
        assert.equal(digestOf(Buffer.from(await pulled.arrayBuffer())), layer.digest);
      });
    });

    describe("distribution API: listings", () => {
      it("pages tags with n and last and a Link header", async () => {
        await t.createRepository("paged");
        const config = aBlob('{"paged":1}');
        await pushBlobMonolithic("paged", config);
        const manifest = anImageManifest(config, []);
        for (const tag of ["c", "a", "b", "d"]) assert.equal((await putManifest("paged", tag, manifest)).status, 201);
        const first = await call("/v2/paged/tags/list?n=3");
        assert.deepEqual(await first.json(), { name: "paged", tags: ["a", "b", "c"] });
        assert.equal(first.headers.get("link"), '</v2/paged/tags/list?n=3&last=c>; rel="next"');
        const second = await call("/v2/paged/tags/list?n=3&last=c");
        assert.deepEqual(await second.json(), { name: "paged", tags: ["d"] });
        assert.equal(second.headers.get("link"), null);
      });

      it("lists repositories in the catalog", async () => {
        const res = await call("/v2/_catalog?n=1000");
        const body: unknown = await res.json();
        assert.ok(typeof body === "object" && body !== null && "repositories" in body && Array.isArray(body.repositories));
        assert.ok(body.repositories.includes("paged"));
      });
    });

    describe("distribution API: indexes and deletion", () => {
      it("accepts an OCI index only over manifests the repository holds, and protects its children", async () => {
        await t.createRepository("multi");
        const { digest: child } = await pushImage("multi", "amd64", "amd64");
        const childSize = (await (await call(`/v2/multi/manifests/${child}`)).arrayBuffer()).byteLength;
        const index = (digests: string[]): Buffer =>
          Buffer.from(
            JSON.stringify({
              schemaVersion: 2,
              mediaType: mediaTypes.ociIndex,
              manifests: digests.map((d) => ({ mediaType: mediaTypes.dockerManifest, digest: d, size: childSize })),
            }),
          );
        const unknown = await putManifest("multi", "all", index([child, aBlob("ghost").digest]), mediaTypes.ociIndex);
        assert.equal(await errorCode(unknown), "MANIFEST_BLOB_UNKNOWN");
        const ok = await putManifest("multi", "all", index([child]), mediaTypes.ociIndex);
        assert.equal(ok.status, 201);
        const got = await call("/v2/multi/manifests/all");
        assert.equal(got.headers.get("content-type"), mediaTypes.ociIndex);
        const blocked = await call(`/v2/multi/manifests/${child}`, { method: "DELETE" });
        assert.equal(blocked.status, 409);
        const indexDigest = ok.headers.get("docker-content-digest") ?? "";
        assert.equal((await call(`/v2/multi/manifests/${indexDigest}`, { method: "DELETE" })).status, 202);
        assert.equal((await call(`/v2/multi/manifests/${child}`, { method: "DELETE" })).status, 202);
        assert.equal((await call("/v2/multi/manifests/amd64")).status, 404);
      });

      it("deletes a tag alone when the reference is a tag", async () => {
        await t.createRepository("untag");
        const { digest } = await pushImage("untag", "u", "v1");
        assert.equal((await call("/v2/untag/manifests/v1", { method: "DELETE" })).status, 202);
        assert.equal((await call("/v2/untag/manifests/v1")).status, 404);
        assert.equal((await call(`/v2/untag/manifests/${digest}`)).status, 200);
      });
    });

    describe("garbage collection", () => {
      it("removes unreferenced blobs past the grace period only, and abandoned uploads", async () => {
        await t.createRepository("gc");
        const { layer } = await pushImage("gc", "kept", "v1");
        const orphan = aBlob("nobody refers to me");
        assert.equal((await pushBlobMonolithic("gc", orphan)).status, 201);
        const abandoned = await call("/v2/gc/blobs/uploads/", { method: "POST" });
        const uploadId = abandoned.headers.get("docker-upload-uuid") ?? "";

        const early = await t.registry.collectGarbage({ blobGraceMs: 3_600_000 });
        assert.deepEqual(early, { blobs: [], uploads: [] });

        t.clock.now += 2 * 86_400_000;
        const plan = await t.registry.collectGarbage({ blobGraceMs: 3_600_000 });
        assert.ok(plan.blobs.includes(orphan.digest));
        assert.ok(!plan.blobs.includes(layer.digest));
        assert.ok(plan.uploads.includes(uploadId), "idle past the upload idle timeout");
        const fresh = aBlob("uploaded just now");
        await pushBlobMonolithic("gc", fresh);
        const later = await t.registry.collectGarbage({ blobGraceMs: 3_600_000 });
        assert.ok(!later.blobs.includes(fresh.digest), "within the grace period");
        assert.equal((await call(`/v2/gc/blobs/${layer.digest}`)).status, 200);
        assert.equal((await call(`/v2/gc/blobs/${orphan.digest}`, { method: "HEAD" })).status, 404);
        assert.equal((await call(`/v2/gc/blobs/uploads/${uploadId}`)).status, 404);
      });
    });
  });
}
