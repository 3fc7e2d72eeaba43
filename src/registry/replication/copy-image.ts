import { createFromTemplate } from "../creation-templates.js";
import type { Registry } from "../registry.js";
import { parseManifest, requiredBlobs, requiredManifests } from "../manifest.js";

/** Why a copy failed, as DescribeImageReplicationStatus's failureCode names it. */
export type CopyResult = { readonly ok: true } | { readonly ok: false; readonly failureCode: string; readonly reason: string };

export interface CopyImage {
  readonly from: Registry;
  readonly to: Registry;
  readonly repository: string;
  readonly digest: string;
  readonly nowMs: number;
}

/**
 * Copies one image (its manifest, the child manifests of an index, every blob) from a repository of
 * one region's registry to the repository of the same name in another's, with the same digest and
 * the tags it has at the source. A missing destination repository is created as ECR's replication
 * creates it: from the destination's creation template for REPLICATION, else with ECR's defaults.
 * Blobs the destination already holds are not copied again.
 */
export async function copyImage(copy: CopyImage): Promise<CopyResult> {
  const { from, to, repository } = copy;
  const source = await from.metadata.getManifest(repository, { digest: copy.digest });
  if (source === undefined) return { ok: false, failureCode: "IMAGE_NOT_FOUND", reason: "the image is no longer in the source repository" };
  if ((await to.metadata.getRepository(repository)) === undefined) {
    // False is a race with another copy or a user: either way the repository is there now.
    await createFromTemplate(to.metadata, repository, "REPLICATION", copy.nowMs);
  }
  const written = await copyManifest(from, to, repository, copy.digest);
  if (!written.ok) return written;
  for (const tag of source.tags) {
    const pushed = await to.pushManifest({ repository, reference: tag, content: source.content, contentType: source.mediaType, replicated: true });
    if (!pushed.ok) return { ok: false, failureCode: pushed.reason === "tag-immutable" ? "TAG_IMMUTABLE" : "MANIFEST_REFUSED", reason: `tag ${tag}: ${pushed.reason}` };
  }
  return { ok: true };
}

async function copyManifest(from: Registry, to: Registry, repository: string, digest: string): Promise<CopyResult> {
  const record = await from.metadata.getManifest(repository, { digest });
  if (record === undefined) return { ok: false, failureCode: "IMAGE_NOT_FOUND", reason: `manifest ${digest} is no longer in the source repository` };
  const parsed = parseManifest(record.content, record.mediaType);
  if (!parsed.ok) return { ok: false, failureCode: "MANIFEST_REFUSED", reason: parsed.reason };
  for (const child of requiredManifests(parsed.manifest)) {
    const copied = await copyManifest(from, to, repository, child);
    if (!copied.ok) return copied;
  }
  for (const blob of requiredBlobs(parsed.manifest)) {
    const copied = await copyBlob(from, to, repository, blob);
    if (!copied.ok) return copied;
  }
  const pushed = await to.pushManifest({ repository, reference: digest, content: record.content, contentType: record.mediaType, replicated: true });
  return pushed.ok ? { ok: true } : { ok: false, failureCode: "MANIFEST_REFUSED", reason: pushed.reason };
}

async function copyBlob(from: Registry, to: Registry, repository: string, digest: string): Promise<CopyResult> {
  if (await to.hasBlob(repository, digest)) return { ok: true };
  if ((await to.blobs.stat(digest)) === undefined) {
    if ((await from.blobs.stat(digest)) === undefined) return { ok: false, failureCode: "LAYER_NOT_FOUND", reason: `blob ${digest} is missing at the source` };
    const upload = await to.blobs.startUpload(repository, "replication");
    const done = await to.blobs.complete(upload.id, digest, from.blobs.read(digest));
    if (!done.ok) return { ok: false, failureCode: "LAYER_COPY_FAILED", reason: `blob ${digest}: ${done.reason}` };
  }
  await to.linkUploadedBlob(repository, digest);
  return { ok: true };
}
