import type { ImageIdentifier } from "@aws-sdk/client-ecr";
import { describeImages, type ImageDetail, type RepositoryScope } from "../../registry/ecr-images.js";
import type { Registry } from "../../registry/registry.js";
import { requireRepository } from "./scope.js";

/** The one image `imageId` names in the repository of `scope` (which must exist), with ECR's ImageNotFoundException otherwise. */
export async function requireImage(registry: Registry, scope: RepositoryScope, imageId: ImageIdentifier | undefined): Promise<ImageDetail> {
  await requireRepository(registry, scope);
  const [image] = describeImages(scope, await registry.metadata.listManifests(scope.repositoryName), { imageIds: [imageId ?? {}] });
  if (image === undefined) throw new Error("describeImages returned no image for one identifier");
  return image;
}
