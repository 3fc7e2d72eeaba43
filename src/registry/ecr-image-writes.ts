import { digestOf } from "./digest.js";
import { AwsError } from "../errors/catalog.js";
import { repositoryNotFound, tagAlreadyExistsMessage } from "./ecr-errors.js";
import { resolveImageId, type EcrImage, type ImageFailure, type ImageIdentifier, type RepositoryScope } from "./ecr-images.js";
import { lifecycleImages } from "./ecr-images.js";
import { evaluateLifecyclePolicy, type Expiration } from "./lifecycle-evaluation.js";
import type { LifecyclePolicy } from "./lifecycle-policy.js";
import type { RegistryMetadata } from "./metadata.js";
import type { Registry } from "./registry.js";
import { excerpt } from "../observability/excerpt.js";

/**
 * ECR's writes on images: BatchDeleteImage, PutImage and the application of a lifecycle policy.
 * They share the registry's rules with docker pushes (Registry.pushManifest) and its metadata.
 */

async function requireRepository(metadata: RegistryMetadata, scope: RepositoryScope): Promise<void> {
  if ((await metadata.getRepository(scope.repositoryName)) === undefined) throw repositoryNotFound(scope.repositoryName, scope.registryId);
}

/**
 * BatchDeleteImage. By tag: removes the tag, and the image with its last tag. By digest: removes
 * the image and all its tags (one identifier per tag comes back). Identifiers are applied in order,
 * each against the state the previous ones left.
 */
export async function batchDeleteImage(
  metadata: RegistryMetadata,
  scope: RepositoryScope,
  imageIds: readonly ImageIdentifier[],
): Promise<{ imageIds: ImageIdentifier[]; failures: ImageFailure[] }> {
  await requireRepository(metadata, scope);
  const deleted: ImageIdentifier[] = [];
  const failures: ImageFailure[] = [];
  const repo = scope.repositoryName;
  for (const id of imageIds) {
    const res = resolveImageId(await metadata.listManifests(repo), id);
    if (!res.ok) {
      failures.push(res.failure);
      continue;
    }
    const { digest, tags } = res.record;
    if (id.imageDigest === undefined && id.imageTag !== undefined && tags.length > 1) {
      await metadata.untag(repo, id.imageTag);
      deleted.push({ imageDigest: digest, imageTag: id.imageTag });
      continue;
    }
    const r = await metadata.deleteManifest(repo, digest);
    if (!r.ok) {
      const reason = r.reason === "referenced-by-index" ? `Requested image referenced by manifest list: [${r.parent}]` : "Requested image not found";
      failures.push({ imageId: id, failureCode: r.reason === "referenced-by-index" ? "ImageReferencedByManifestList" : "ImageNotFound", failureReason: reason });
      continue;
    }
    if (r.tags.length === 0) deleted.push({ imageDigest: digest });
    else for (const t of r.tags) deleted.push({ imageDigest: digest, imageTag: t });
  }
  return { imageIds: deleted, failures };
}

export interface PutImageInput {
  readonly imageManifest: string;
  readonly imageManifestMediaType?: string | undefined;
  readonly imageTag?: string | undefined;
  readonly imageDigest?: string | undefined;
}

/** PutImage: the SDK's way to push a manifest (its layers uploaded before, by either API). */
export async function putImage(registry: Registry, scope: RepositoryScope, input: PutImageInput): Promise<EcrImage> {
  const repo = scope.repositoryName;
  const content = Buffer.from(input.imageManifest, "utf8");
  const digest = digestOf(content);
  if (input.imageDigest !== undefined && input.imageDigest !== digest) {
    throw new AwsError(
      "ImageDigestDoesNotMatchException",
      `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Provided digest '${excerpt(input.imageDigest, 100)}' does not match the digest of the image manifest'`,
    );
  }
  const existing = await registry.metadata.getManifest(repo, { digest });
  if (existing !== undefined && (input.imageTag === undefined || existing.tags.includes(input.imageTag))) {
    throw new AwsError(
      "ImageAlreadyExistsException",
      `Image with digest '${digest}' and tag '${input.imageTag ?? "null"}' already exists in the repository with name '${repo}' in the registry with id '${scope.registryId}'`,
    );
  }
  const r = await registry.pushManifest({ repository: repo, reference: input.imageTag ?? digest, content, contentType: input.imageManifestMediaType });
  if (!r.ok) {
    switch (r.reason) {
      case "repository-not-found":
        throw repositoryNotFound(repo, scope.registryId);
      case "tag-invalid":
        throw new AwsError("InvalidParameterException", `Invalid parameter at 'imageTag' failed to satisfy constraint: 'Invalid image tag'`);
      case "manifest-invalid":
        throw new AwsError("InvalidParameterException", `Invalid parameter at 'ImageManifest' failed to satisfy constraint: '${r.detail}'`);
      case "digest-mismatch":
        throw new AwsError("ImageDigestDoesNotMatchException", `The digest of the image manifest is ${r.actual}`);
      case "blob-unknown":
        throw new AwsError(
          "LayersNotFoundException",
          `Layers with digests '[${r.digest}]' required for pushing image into repository with name '${repo}' in the registry with id '${scope.registryId}' do not exist`,
        );
      case "manifest-unknown":
        throw new AwsError("ReferencedImagesNotFoundException", `Manifests with digests '[${r.digest}]' referenced by the image index do not exist`);
      case "tag-immutable":
        throw new AwsError("ImageTagAlreadyExistsException", tagAlreadyExistsMessage(input.imageTag ?? "", repo));
      case "size-mismatch":
        throw new AwsError(
          "InvalidParameterException",
          `Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'the descriptor of ${r.digest} declares size ${r.declared} but it is ${r.actual} bytes'`,
        );
    }
  }
  return {
    registryId: scope.registryId,
    repositoryName: repo,
    imageId: { imageDigest: r.digest, imageTag: input.imageTag },
    imageManifest: input.imageManifest,
    imageManifestMediaType: r.mediaType,
  };
}

/** Evaluates `policy` against the repository now and expires what it selects. Returns what was expired. */
export async function applyLifecyclePolicy(
  metadata: RegistryMetadata,
  scope: RepositoryScope,
  policy: LifecyclePolicy,
  nowMs: number,
): Promise<Expiration[]> {
  await requireRepository(metadata, scope);
  const plan = evaluateLifecyclePolicy(policy, lifecycleImages(await metadata.listManifests(scope.repositoryName)), nowMs);
  const done: Expiration[] = [];
  for (const e of plan) {
    const r = await metadata.deleteManifest(scope.repositoryName, e.digest);
    if (r.ok) done.push(e);
  }
  return done;
}

/** GetLifecyclePolicyPreview's `previewResults` for a set of expirations. */
export function previewResults(expirations: readonly Expiration[]): {
  imageDigest: string;
  imageTags: string[];
  imagePushedAt: Date;
  action: { type: "EXPIRE" };
  appliedRulePriority: number;
}[] {
  return expirations.map((e) => ({
    imageDigest: e.digest,
    imageTags: [...e.tags],
    imagePushedAt: new Date(e.pushedAtMs),
    action: { type: "EXPIRE" },
    appliedRulePriority: e.appliedRulePriority,
  }));
}
