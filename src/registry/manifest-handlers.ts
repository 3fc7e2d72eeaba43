import { tagAlreadyExistsMessage } from "./ecr-errors.js";
import { nextLink, pageParams, readBody, send, sendJson, type RequestContext } from "./http-io.js";
import { OciError } from "./oci-errors.js";
import { manifestRef, type PushManifestResult } from "./registry.js";
import { isDigest } from "./digest.js";
import { subjectOf } from "./referrers.js";
import { manifestLocation } from "./routes.js";

/** Manifests are small JSON documents; ECR's own limit is 4 MiB. */
const maxManifestBytes = 4 * 1024 * 1024;
const maxPage = 1000;

export const nameUnknown = (name: string, registryId: string): OciError =>
  new OciError("NAME_UNKNOWN", `The repository with name '${name}' does not exist in the registry with id '${registryId}'`);

async function requireRepository(ctx: RequestContext, name: string): Promise<void> {
  if ((await ctx.registry.metadata.getRepository(name)) === undefined) throw nameUnknown(name, ctx.registryId);
}

export async function getManifest(ctx: RequestContext, name: string, reference: string, withBody: boolean): Promise<void> {
  await requireRepository(ctx, name);
  const m = await ctx.registry.metadata.getManifest(name, manifestRef(reference));
  if (m === undefined) throw new OciError("MANIFEST_UNKNOWN", `Requested image not found`, { name, reference });
  const headers = {
    "Content-Type": m.mediaType,
    "Content-Length": m.content.length,
    "Docker-Content-Digest": m.digest,
    ETag: `"${m.digest}"`,
  };
  send(ctx.res, 200, headers, withBody ? m.content : undefined);
}

export async function putManifest(ctx: RequestContext, name: string, reference: string): Promise<void> {
  const content = await readBody(ctx.req, maxManifestBytes);
  const result = await ctx.registry.pushManifest({ repository: name, reference, content, contentType: ctx.req.headers["content-type"] });
  if (!result.ok) throw pushError(result, name, reference, ctx.registryId);
  // OCI-Subject tells clients (oras, cosign, notation) that this registry lists referrers itself, so they need not keep the fallback `sha256-<hex>` tag index.
  const subject = subjectOf({ content, digest: result.digest, mediaType: "" })?.subject;
  send(ctx.res, 201, { Location: manifestLocation(name, result.digest), "Docker-Content-Digest": result.digest, "Content-Length": 0, ...(subject !== undefined && { "OCI-Subject": subject }) });
}

function pushError(r: Exclude<PushManifestResult, { ok: true }>, name: string, reference: string, registryId: string): OciError {
  switch (r.reason) {
    case "repository-not-found":
      return nameUnknown(name, registryId);
    case "tag-invalid":
      return new OciError("TAG_INVALID", `invalid tag ${reference}`);
    case "manifest-invalid":
      return new OciError("MANIFEST_INVALID", "manifest invalid", r.detail);
    case "digest-mismatch":
      return new OciError("DIGEST_INVALID", "provided digest did not match uploaded content", { expected: reference, actual: r.actual });
    case "blob-unknown":
      return new OciError("MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", { digest: r.digest });
    case "manifest-unknown":
      return new OciError("MANIFEST_BLOB_UNKNOWN", "manifest referenced by the index is unknown to registry", { digest: r.digest });
    case "tag-immutable":
      return new OciError("TAG_INVALID", tagAlreadyExistsMessage(reference, name));
    case "size-mismatch":
      // distribution has no code of its own for this (it never checks sizes): MANIFEST_INVALID is the spec's code for a failed check.
      return new OciError("MANIFEST_INVALID", `manifest invalid: the descriptor of ${r.digest} declares size ${r.declared} but it is ${r.actual} bytes`, {
        digest: r.digest,
        declaredSize: r.declared,
        size: r.actual,
      });
  }
}

/** By digest: deletes the manifest and its tags. By tag: removes only the tag (the spec's newer form). */
export async function deleteManifest(ctx: RequestContext, name: string, reference: string): Promise<void> {
  await requireRepository(ctx, name);
  const meta = ctx.registry.metadata;
  if (!isDigest(reference)) {
    if (!(await meta.untag(name, reference))) throw new OciError("MANIFEST_UNKNOWN", "Requested image not found", { name, reference });
    return send(ctx.res, 202, { "Content-Length": 0 });
  }
  const r = await meta.deleteManifest(name, reference);
  if (!r.ok && r.reason === "not-found") throw new OciError("MANIFEST_UNKNOWN", "Requested image not found", { name, reference });
  if (!r.ok) throw new OciError("DENIED", `manifest is referenced by the index ${r.parent}`, { parent: r.parent }, 409);
  send(ctx.res, 202, { "Content-Length": 0 });
}

export async function listTags(ctx: RequestContext, name: string): Promise<void> {
  await requireRepository(ctx, name);
  const { limit, after } = pageParams(ctx.url, maxPage);
  const page = await ctx.registry.metadata.listTags(name, { limit, after });
  const headers: Record<string, string> = page.nextAfter === undefined ? {} : { Link: nextLink(`/v2/${name}/tags/list`, limit, page.nextAfter) };
  sendJson(ctx.res, 200, { name, tags: page.items }, headers);
}

export async function catalog(ctx: RequestContext): Promise<void> {
  const { limit, after } = pageParams(ctx.url, maxPage);
  const page = await ctx.registry.metadata.listRepositories({ limit, after });
  const headers: Record<string, string> = page.nextAfter === undefined ? {} : { Link: nextLink("/v2/_catalog", limit, page.nextAfter) };
  sendJson(ctx.res, 200, { repositories: page.items.map((r) => r.name) }, headers);
}
