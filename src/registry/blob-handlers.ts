import { isDigest } from "./digest.js";
import { chunkStart, parseRange, uploadRangeHeader } from "./http-ranges.js";
import { send, type RequestContext } from "./http-io.js";
import { nameUnknown } from "./manifest-handlers.js";
import { OciError } from "./oci-errors.js";
import { blobLocation, uploadLocation } from "./routes.js";
import type { UploadState } from "./blob-store.js";
import { pipeline } from "node:stream/promises";

const blobUnknown = (digest: string): OciError => new OciError("BLOB_UNKNOWN", "blob unknown to registry", { digest });
const uploadUnknown = (id: string): OciError => new OciError("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", { id });

async function requireRepository(ctx: RequestContext, name: string): Promise<void> {
  if ((await ctx.registry.metadata.getRepository(name)) === undefined) throw nameUnknown(name, ctx.registryId);
}

/** HEAD and GET of a blob; GET honours a single `Range`. */
export async function getBlob(ctx: RequestContext, name: string, digest: string, withBody: boolean): Promise<void> {
  await requireRepository(ctx, name);
  if (!isDigest(digest)) throw new OciError("DIGEST_INVALID", "invalid digest", { digest });
  const info = (await ctx.registry.hasBlob(name, digest)) ? await ctx.registry.blobs.stat(digest) : undefined;
  if (info === undefined) throw blobUnknown(digest);
  const common = { "Docker-Content-Digest": digest, ETag: `"${digest}"`, "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream" };
  const range = withBody ? parseRange(ctx.req.headers.range, info.size) : { kind: "whole" as const };
  if (range.kind === "unsatisfiable") {
    throw new OciError("RANGE_INVALID", "requested range not satisfiable", { size: info.size });
  }
  if (!withBody) return send(ctx.res, 200, { ...common, "Content-Length": info.size });
  const status = range.kind === "range" ? 206 : 200;
  const r = range.kind === "range" ? range.range : undefined;
  const headers =
    r === undefined
      ? { ...common, "Content-Length": info.size }
      : { ...common, "Content-Length": r.end - r.start + 1, "Content-Range": `bytes ${r.start}-${r.end}/${info.size}` };
  ctx.res.writeHead(status, { "Docker-Distribution-API-Version": "registry/2.0", ...headers });
  if (info.size === 0) return void ctx.res.end();
  await pipeline(ctx.registry.blobs.read(digest, r), ctx.res);
}

/** Removes the blob from this repository; its bytes go when GC finds nothing refers to them. */
export async function deleteBlob(ctx: RequestContext, name: string, digest: string): Promise<void> {
  await requireRepository(ctx, name);
  if (!(await ctx.registry.metadata.unlinkBlob(name, digest))) throw blobUnknown(digest);
  send(ctx.res, 202, { "Content-Length": 0 });
}

function uploadAccepted(ctx: RequestContext, name: string, u: { id: string; offset: number }, status = 202): void {
  send(ctx.res, status, {
    Location: uploadLocation(name, u.id),
    Range: uploadRangeHeader(u.offset),
    "Docker-Upload-UUID": u.id,
    "Content-Length": 0,
  });
}

async function finish(ctx: RequestContext, name: string, id: string, digest: string): Promise<void> {
  const done = await ctx.registry.blobs.complete(id, digest, ctx.req);
  if (!done.ok && done.reason === "unknown-upload") throw uploadUnknown(id);
  if (!done.ok) {
    throw new OciError("DIGEST_INVALID", "provided digest did not match uploaded content", { expected: digest, actual: done.actual });
  }
  await ctx.registry.linkUploadedBlob(name, digest);
  send(ctx.res, 201, { Location: blobLocation(name, digest), "Docker-Content-Digest": digest, "Content-Length": 0 });
}

/** POST: a cross-repository mount, a monolithic upload (`?digest=`), or the start of a session. */
export async function startUpload(ctx: RequestContext, name: string): Promise<void> {
  await requireRepository(ctx, name);
  const mount = ctx.url.searchParams.get("mount");
  const from = ctx.url.searchParams.get("from");
  if (mount !== null && from !== null && isDigest(mount) && (await ctx.registry.mountBlob(from, name, mount))) {
    return send(ctx.res, 201, { Location: blobLocation(name, mount), "Docker-Content-Digest": mount, "Content-Length": 0 });
  }
  const digest = ctx.url.searchParams.get("digest");
  if (digest !== null && !isDigest(digest)) throw new OciError("DIGEST_INVALID", "invalid digest", { digest });
  const upload = await ctx.registry.blobs.startUpload(name);
  if (digest !== null) return finish(ctx, name, upload.id, digest);
  uploadAccepted(ctx, name, upload);
}

async function requireUpload(ctx: RequestContext, name: string, id: string): Promise<UploadState> {
  const upload = await ctx.registry.blobs.getUpload(id);
  if (upload === undefined || upload.repository !== name) throw uploadUnknown(id);
  return upload;
}

export async function uploadStatus(ctx: RequestContext, name: string, id: string): Promise<void> {
  uploadAccepted(ctx, name, await requireUpload(ctx, name, id), 204);
}

/** PATCH: appends a chunk; a `Content-Range` that does not start at the current offset gets 416. */
export async function appendChunk(ctx: RequestContext, name: string, id: string): Promise<void> {
  const upload = await requireUpload(ctx, name, id);
  const start = chunkStart(ctx.req.headers["content-range"]);
  if (start === null) throw new OciError("BLOB_UPLOAD_INVALID", "malformed Content-Range");
  const r = await ctx.registry.blobs.append(id, ctx.req, start);
  if (!r.ok && r.reason === "unknown-upload") throw uploadUnknown(id);
  if (!r.ok) {
    ctx.res.setHeader("Location", uploadLocation(name, id));
    ctx.res.setHeader("Range", uploadRangeHeader(r.offset));
    throw new OciError("RANGE_INVALID", "chunk does not start at the upload's current offset", { offset: r.offset });
  }
  uploadAccepted(ctx, name, { id: upload.id, offset: r.offset });
}

/** PUT `?digest=`: the last (possibly empty) chunk, then verification and commit. */
export async function completeUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  await requireUpload(ctx, name, id);
  const digest = ctx.url.searchParams.get("digest");
  if (digest === null || !isDigest(digest)) throw new OciError("DIGEST_INVALID", "a sha256 digest query parameter is required", { digest });
  await finish(ctx, name, id, digest);
}

export async function cancelUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  await requireUpload(ctx, name, id);
  await ctx.registry.blobs.cancel(id);
  send(ctx.res, 204);
}
