import { pipeline } from "node:stream/promises";
import type { UploadState } from "./blob-store.js";
import { isDigest } from "./digest.js";
import { chunkRange, declaredLength, parseRange, uploadRangeHeader } from "./http-ranges.js";
import { send, type RequestContext } from "./http-io.js";
import { nameUnknown } from "./manifest-handlers.js";
import { OciError } from "./oci-errors.js";
import { blobLocation, uploadLocation } from "./routes.js";
import type { LimitRefusal } from "./upload-limits.js";
import type { ChunkOptions, ChunkResult, FinishResult } from "./upload-sessions.js";

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

const formatDuration = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

/** 429 TOOMANYREQUESTS, saying which limit and how to raise it. */
function limitError(ctx: RequestContext, refusal: LimitRefusal): OciError {
  const idle = formatDuration(ctx.registry.uploads.limits.idleTimeoutMs);
  if (refusal.limit === "sessions") {
    return new OciError(
      "TOOMANYREQUESTS",
      `too many open upload sessions: '${refusal.principal}' holds ${refusal.open} and the limit is ${refusal.max}. ` +
        `Finish or cancel uploads (DELETE the upload URL); sessions idle for ${idle} are removed. ` +
        "The server's --registry-max-upload-sessions (BERTH_REGISTRY_MAX_UPLOAD_SESSIONS) raises the limit.",
      { limit: "sessions", open: refusal.open, max: refusal.max },
      429,
    );
  }
  return new OciError(
    "TOOMANYREQUESTS",
    `too many bytes in open upload sessions: '${refusal.principal}' holds ${refusal.held} bytes, this chunk needs ${refusal.adding} more and the limit is ${refusal.max}. ` +
      `Finish or cancel uploads (DELETE the upload URL); sessions idle for ${idle} are removed. ` +
      "The server's --registry-max-upload-bytes (BERTH_REGISTRY_MAX_UPLOAD_BYTES) raises the limit.",
    { limit: "bytes", held: refusal.held, adding: refusal.adding, max: refusal.max },
    429,
  );
}

/**
 * What the request says its body is: `Content-Range` (where it starts and how long it is) and
 * `Content-Length`. They must agree with each other up front, as in distribution, and the body must
 * then agree with them (checked as it arrives, for chunked bodies too).
 */
function chunkOptions(ctx: RequestContext, withRange: boolean): ChunkOptions {
  const length = declaredLength(ctx.req.headers["content-length"]);
  if (length === null) throw new OciError("SIZE_INVALID", "Content-Length is not a byte count");
  const range = withRange ? chunkRange(ctx.req.headers["content-range"]) : undefined;
  if (range === null) throw new OciError("BLOB_UPLOAD_INVALID", "malformed Content-Range: expected <start>-<end>");
  if (range === undefined) return { expectedLength: length };
  if (length !== undefined && length !== range.length) {
    throw new OciError("SIZE_INVALID", `Content-Range names ${range.length} bytes but Content-Length is ${length}`, { contentRangeLength: range.length, contentLength: length });
  }
  return { expectedStart: range.start, expectedLength: range.length };
}

/** The error for a chunk the session refused; the session is as it was, and the client is told its offset. */
function chunkError(ctx: RequestContext, name: string, id: string, r: Exclude<ChunkResult | FinishResult, { ok: true }>): OciError {
  if ("offset" in r) {
    ctx.res.setHeader("Location", uploadLocation(name, id));
    ctx.res.setHeader("Range", uploadRangeHeader(r.offset));
  }
  switch (r.reason) {
    case "unknown-upload":
      return uploadUnknown(id);
    case "digest-mismatch":
      return new OciError("DIGEST_INVALID", "provided digest did not match uploaded content", { actual: r.actual });
    case "limit":
      return limitError(ctx, r);
    case "offset-mismatch":
      return new OciError("RANGE_INVALID", "chunk does not start at the upload's current offset", { offset: r.offset }, 416);
    case "length-mismatch":
      return new OciError("SIZE_INVALID", `the chunk declared ${r.expected} bytes but ${r.received} arrived`, { expected: r.expected, received: r.received });
    case "not-admitted":
      return new OciError("TOOMANYREQUESTS", "upload refused by the upload-session limits", undefined, 429);
    case "chunk-refused":
      return chunkError(ctx, name, id, r.chunk);
  }
}

async function finish(ctx: RequestContext, name: string, id: string, digest: string, withRange: boolean): Promise<void> {
  const done = await ctx.registry.uploads.complete(id, digest, ctx.req, chunkOptions(ctx, withRange));
  if (!done.ok) throw chunkError(ctx, name, id, done);
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
  const started = await ctx.registry.uploads.start(name, ctx.principal);
  if (!started.ok) throw limitError(ctx, started);
  const upload = started.upload;
  if (digest === null) return uploadAccepted(ctx, name, upload);
  // A monolithic upload's session is the server's own: whatever stops it, nothing of it outlives the request.
  try {
    await finish(ctx, name, upload.id, digest, false);
  } catch (e) {
    await ctx.registry.uploads.cancel(upload.id);
    throw e;
  }
}

async function requireUpload(ctx: RequestContext, name: string, id: string): Promise<UploadState> {
  const upload = await ctx.registry.uploads.get(id, ctx.principal);
  if (upload === undefined || upload.repository !== name) throw uploadUnknown(id);
  return upload;
}

export async function uploadStatus(ctx: RequestContext, name: string, id: string): Promise<void> {
  uploadAccepted(ctx, name, await requireUpload(ctx, name, id), 204);
}

/**
 * PATCH: appends a chunk. A `Content-Range` must start at the current offset (else 416
 * RANGE_INVALID) and name as many bytes as `Content-Length` and the body (else SIZE_INVALID), as
 * distribution answers; a refused chunk changes nothing.
 */
export async function appendChunk(ctx: RequestContext, name: string, id: string): Promise<void> {
  await requireUpload(ctx, name, id);
  const r = await ctx.registry.uploads.append(id, ctx.req, chunkOptions(ctx, true));
  if (!r.ok) throw chunkError(ctx, name, id, r);
  uploadAccepted(ctx, name, { id, offset: r.offset });
}

/** PUT `?digest=`: the last (possibly empty) chunk, then verification and commit. */
export async function completeUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  await requireUpload(ctx, name, id);
  const digest = ctx.url.searchParams.get("digest");
  if (digest === null || !isDigest(digest)) throw new OciError("DIGEST_INVALID", "a sha256 digest query parameter is required", { digest });
  await finish(ctx, name, id, digest, true);
}

export async function cancelUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  await requireUpload(ctx, name, id);
  await ctx.registry.uploads.cancel(id);
  send(ctx.res, 204);
}
