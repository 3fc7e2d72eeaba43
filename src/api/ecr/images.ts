import type { BatchDeleteImageRequest, BatchGetImageRequest, DescribeImagesRequest, ListImagesRequest, PutImageRequest } from "@aws-sdk/client-ecr";
import { BatchDeleteImageRequest$, BatchGetImageRequest$, DescribeImagesRequest$, ListImagesRequest$, PutImageRequest$ } from "../../aws-sdk/ecr.js";
import { invalidParameter } from "../../errors/catalog.js";
import { batchDeleteImage, putImage } from "../../registry/ecr-image-writes.js";
import { batchGetImage, describeImages, imageTagStatuses, listImages, type ImageTagStatus } from "../../registry/ecr-images.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcrDeps } from "./deps.js";
import { repositoryScope, requireRepository } from "./scope.js";

/** ListImages, DescribeImages, BatchGetImage, BatchDeleteImage, PutImage: the registry's ECR logic, loaded and paged. */
export function imageOperations({ registry }: EcrDeps): Record<string, Operation> {
  const manifests = (name: string) => registry.metadata.listManifests(name);
  return {
    ListImages: operation<ListImagesRequest>(ListImagesRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const page = pageRequest(input, { defaultLimit: 100, maxLimit: 1000 });
      await requireRepository(registry, scope);
      const ids = listImages(await manifests(scope.repositoryName), tagStatus(input.filter?.tagStatus));
      const { items, nextAfter } = pageOf(ids, (id) => `${id.imageDigest ?? ""} ${id.imageTag ?? ""}`, page);
      return { imageIds: items, nextToken: encodeToken(nextAfter) };
    }),

    DescribeImages: operation<DescribeImagesRequest>(DescribeImagesRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      if (input.imageIds !== undefined && (input.maxResults !== undefined || input.nextToken !== undefined)) {
        throw invalidParameter("maxResults and nextToken cannot be used when imageIds are given.");
      }
      const page = pageRequest(input, { defaultLimit: 100, maxLimit: 1000 });
      await requireRepository(registry, scope);
      const details = describeImages(scope, await manifests(scope.repositoryName), {
        imageIds: input.imageIds,
        tagStatus: tagStatus(input.filter?.tagStatus),
      });
      if (input.imageIds !== undefined) return { imageDetails: details };
      const { items, nextAfter } = pageOf(details, (d) => d.imageDigest, page);
      return { imageDetails: items, nextToken: encodeToken(nextAfter) };
    }),

    BatchGetImage: operation<BatchGetImageRequest>(BatchGetImageRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      await requireRepository(registry, scope);
      return batchGetImage(scope, await manifests(scope.repositoryName), input.imageIds ?? [], input.acceptedMediaTypes);
    }),

    BatchDeleteImage: operation<BatchDeleteImageRequest>(BatchDeleteImageRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      if ((input.imageIds ?? []).length === 0) throw invalidParameter("Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length greater than or equal to 1'");
      return batchDeleteImage(registry.metadata, scope, input.imageIds ?? []);
    }),

    PutImage: operation<PutImageRequest>(PutImageRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const image = await putImage(registry, scope, {
        imageManifest: input.imageManifest ?? "",
        imageManifestMediaType: input.imageManifestMediaType,
        imageTag: input.imageTag,
        imageDigest: input.imageDigest,
      });
      return { image };
    }),
  };
}

function tagStatus(value: string | undefined): ImageTagStatus | undefined {
  if (value === undefined) return undefined;
  const s = imageTagStatuses.find((t) => t === value);
  if (s === undefined) throw invalidParameter(`Invalid parameter at 'filter.tagStatus' failed to satisfy constraint: 'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]'`);
  return s;
}

/** One page of items computed in memory, in the order of `key`; the token names the last key served. */
export function pageOf<T>(items: readonly T[], key: (item: T) => string, page: { limit: number; after?: string }): { items: T[]; nextAfter?: string } {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = page.after === undefined ? sorted : sorted.filter((i) => key(i) > (page.after ?? ""));
  const items_ = rest.slice(0, page.limit);
  const last = items_[items_.length - 1];
  return rest.length > page.limit && last !== undefined ? { items: items_, nextAfter: key(last) } : { items: items_ };
}
