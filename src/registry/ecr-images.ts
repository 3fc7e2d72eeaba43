import { isEcrDigestSyntax } from "./digest.js";
import { AwsError } from "../errors/catalog.js";
import type { LifecycleImage } from "./lifecycle-evaluation.js";
import { parseManifest } from "./manifest.js";
import type { ManifestRecord } from "./metadata.js";

/**
 * ECR's read operations on images (DescribeImages, ListImages, BatchGetImage) as pure functions
 * over a repository's manifests, so that the ECR handlers only load records and serialise. Shapes
 * follow ECR's JSON (they mirror @aws-sdk/client-ecr's published types, which the handlers return).
 */

export interface ImageIdentifier {
  readonly imageDigest?: string | undefined;
  readonly imageTag?: string | undefined;
}

export const imageFailureCodes = [
  "InvalidImageDigest",
  "InvalidImageTag",
  "ImageTagDoesNotMatchDigest",
  "ImageNotFound",
  "MissingDigestAndTag",
  "ImageReferencedByManifestList",
] as const;
export type ImageFailureCode = (typeof imageFailureCodes)[number];

export interface ImageFailure {
  readonly imageId: ImageIdentifier;
  readonly failureCode: ImageFailureCode;
  readonly failureReason: string;
}

export interface ImageDetail {
  readonly registryId: string;
  readonly repositoryName: string;
  readonly imageDigest: string;
  readonly imageTags?: string[] | undefined;
  readonly imageSizeInBytes: number;
  readonly imagePushedAt: Date;
  readonly imageManifestMediaType: string;
}

export interface EcrImage {
  readonly registryId: string;
  readonly repositoryName: string;
  readonly imageId: ImageIdentifier;
  readonly imageManifest: string;
  readonly imageManifestMediaType: string;
}

export const imageTagStatuses = ["TAGGED", "UNTAGGED", "ANY"] as const;
export type ImageTagStatus = (typeof imageTagStatuses)[number];

/** Where the images live, for the fields every ECR image shape repeats. */
export interface RepositoryScope {
  readonly registryId: string;
  readonly repositoryName: string;
}

export type Resolved = { readonly ok: true; readonly record: ManifestRecord } | { readonly ok: false; readonly failure: ImageFailure };

const failure = (imageId: ImageIdentifier, failureCode: ImageFailureCode, failureReason: string): Resolved => ({
  ok: false,
  failure: { imageId, failureCode, failureReason },
});

/** Finds the image an identifier names, or the per-image failure ECR reports for it. */
export function resolveImageId(records: readonly ManifestRecord[], id: ImageIdentifier): Resolved {
  const { imageDigest: digest, imageTag: tag } = id;
  if (digest === undefined && tag === undefined) return failure({}, "MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null");
  if (digest !== undefined && !isEcrDigestSyntax(digest)) {
    return failure(id, "InvalidImageDigest", "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'");
  }
  const byDigest = digest === undefined ? undefined : records.find((r) => r.digest === digest);
  const byTag = tag === undefined ? undefined : records.find((r) => r.tags.includes(tag));
  if (digest !== undefined && tag !== undefined && byDigest !== undefined && byTag !== undefined && byDigest !== byTag) {
    return failure(id, "ImageTagDoesNotMatchDigest", "Invalid request parameters: given tag does not map to the given digest");
  }
  const found = digest !== undefined ? (tag === undefined || byTag === byDigest ? byDigest : undefined) : byTag;
  return found === undefined ? failure(id, "ImageNotFound", "Requested image not found") : { ok: true, record: found };
}

const matchesStatus = (r: ManifestRecord, status: ImageTagStatus): boolean =>
  status === "ANY" || (status === "TAGGED" ? r.tags.length > 0 : r.tags.length === 0);

export function imageDetail(scope: RepositoryScope, r: ManifestRecord): ImageDetail {
  return {
    registryId: scope.registryId,
    repositoryName: scope.repositoryName,
    imageDigest: r.digest,
    imageTags: r.tags.length > 0 ? [...r.tags] : undefined,
    imageSizeInBytes: r.imageSize,
    imagePushedAt: new Date(r.pushedAtMs),
    imageManifestMediaType: r.mediaType,
  };
}

/**
 * DescribeImages: with `imageIds`, those images (an unknown one is an ImageNotFoundException, as
 * in ECR); otherwise every image matching `tagStatus`.
 */
export function describeImages(
  scope: RepositoryScope,
  records: readonly ManifestRecord[],
  query: { readonly imageIds?: readonly ImageIdentifier[] | undefined; readonly tagStatus?: ImageTagStatus | undefined },
): ImageDetail[] {
  if (query.imageIds === undefined) return records.filter((r) => matchesStatus(r, query.tagStatus ?? "ANY")).map((r) => imageDetail(scope, r));
  const out: ImageDetail[] = [];
  for (const id of query.imageIds) {
    const res = resolveImageId(records, id);
    if (!res.ok) {
      throw new AwsError(
        "ImageNotFoundException",
        `The image with imageId {imageDigest:'${id.imageDigest ?? "null"}', imageTag:'${id.imageTag ?? "null"}'} does not exist within the repository with name '${scope.repositoryName}' in the registry with id '${scope.registryId}'`,
      );
    }
    if (!out.some((d) => d.imageDigest === res.record.digest)) out.push(imageDetail(scope, res.record));
  }
  return out;
}

/** ListImages: one identifier per tag for tagged images, a digest alone for untagged ones. */
export function listImages(records: readonly ManifestRecord[], tagStatus: ImageTagStatus = "ANY"): ImageIdentifier[] {
  return records
    .filter((r) => matchesStatus(r, tagStatus))
    .flatMap((r) => (r.tags.length === 0 ? [{ imageDigest: r.digest }] : r.tags.map((t) => ({ imageDigest: r.digest, imageTag: t }))));
}

/** BatchGetImage: manifests as text with their media type; failures per identifier. */
export function batchGetImage(
  scope: RepositoryScope,
  records: readonly ManifestRecord[],
  imageIds: readonly ImageIdentifier[],
  acceptedMediaTypes?: readonly string[],
): { images: EcrImage[]; failures: ImageFailure[] } {
  const images: EcrImage[] = [];
  const failures: ImageFailure[] = [];
  for (const id of imageIds) {
    const res = resolveImageId(records, id);
    if (!res.ok) {
      failures.push(res.failure);
      continue;
    }
    const r = res.record;
    if (acceptedMediaTypes !== undefined && acceptedMediaTypes.length > 0 && !acceptedMediaTypes.includes(r.mediaType)) {
      failures.push({ imageId: id, failureCode: "ImageNotFound", failureReason: `Requested image not found in any of the accepted media types` });
      continue;
    }
    images.push({
      registryId: scope.registryId,
      repositoryName: scope.repositoryName,
      imageId: { imageDigest: r.digest, imageTag: id.imageTag },
      imageManifest: r.content.toString("utf8"),
      imageManifestMediaType: r.mediaType,
    });
  }
  return { images, failures };
}

/** Digests that some index in the repository refers to: lifecycle rules and deletes leave them alone. */
export function childrenOfIndexes(records: readonly ManifestRecord[]): Set<string> {
  const out = new Set<string>();
  for (const r of records) {
    const parsed = parseManifest(r.content, r.mediaType);
    if (parsed.ok && parsed.manifest.kind === "index") for (const d of parsed.manifest.manifests) out.add(d.digest);
  }
  return out;
}

/** The repository's images as lifecycle evaluation takes them. */
export function lifecycleImages(records: readonly ManifestRecord[]): LifecycleImage[] {
  const children = childrenOfIndexes(records);
  return records.map((r) => ({ digest: r.digest, tags: r.tags, pushedAtMs: r.pushedAtMs, referencedByIndex: children.has(r.digest) }));
}
