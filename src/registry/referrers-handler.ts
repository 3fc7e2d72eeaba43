import { isDigest } from "./digest.js";
import { send, type RequestContext } from "./http-io.js";
import { nameUnknown } from "./manifest-handlers.js";
import { mediaTypes } from "./manifest.js";
import { OciError } from "./oci-errors.js";
import { referrersOf } from "./referrers.js";

/**
 * The distribution spec's referrers API: `GET /v2/<name>/referrers/<digest>` answers an OCI image
 * index of the manifests whose `subject` is `digest` (empty, never 404, when there are none), with
 * the `artifactType` query filter applied and announced in `OCI-Filters-Applied`.
 */
export async function listReferrers(ctx: RequestContext, name: string, digest: string): Promise<void> {
  if (!isDigest(digest)) throw new OciError("DIGEST_INVALID", "the referrers API needs a sha256 digest", { digest });
  if ((await ctx.registry.metadata.getRepository(name)) === undefined) throw nameUnknown(name, ctx.registryId);
  const artifactTypes = ctx.url.searchParams.getAll("artifactType");
  const manifests = referrersOf(await ctx.registry.metadata.listManifests(name), digest, artifactTypes);
  const body = JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests });
  const headers: Record<string, string | number> = { "Content-Type": mediaTypes.ociIndex, "Content-Length": Buffer.byteLength(body) };
  if (artifactTypes.length > 0) headers["OCI-Filters-Applied"] = "artifactType";
  send(ctx.res, 200, headers, body);
}
