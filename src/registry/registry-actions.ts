import type { Route } from "./routes.js";

/** The IAM action a `/v2/` request needs, and the repository it acts on (none for the catalog). */
export interface RegistryAction {
  readonly action: string;
  readonly repository?: string | undefined;
}

/**
 * ECR's IAM actions for the distribution API, as ECR asks them of `docker pull` and `docker push`:
 * reading a manifest is `ecr:BatchGetImage`, a layer `ecr:GetDownloadUrlForLayer`, checking one is
 * there `ecr:BatchCheckLayerAvailability`; a push needs `ecr:InitiateLayerUpload`,
 * `ecr:UploadLayerPart`, `ecr:CompleteLayerUpload` and `ecr:PutImage`. Undefined: `/v2/` itself
 * (the version check every client makes first) needs no permission.
 */
export function registryAction(route: Route, method: string): RegistryAction | undefined {
  const read = method === "GET" || method === "HEAD";
  switch (route.kind) {
    case "base":
      return undefined;
    case "catalog":
      return { action: "ecr:DescribeRepositories" };
    case "tags":
      return { action: "ecr:ListImages", repository: route.name };
    case "manifest":
      return { action: read ? "ecr:BatchGetImage" : method === "DELETE" ? "ecr:BatchDeleteImage" : "ecr:PutImage", repository: route.name };
    case "blob":
      return {
        action: method === "GET" ? "ecr:GetDownloadUrlForLayer" : method === "HEAD" ? "ecr:BatchCheckLayerAvailability" : "ecr:BatchDeleteImage",
        repository: route.name,
      };
    case "referrers":
      // ECR documents its referrers listing as needing ecr:BatchGetImage, as reading a manifest does.
      return { action: "ecr:BatchGetImage", repository: route.name };
    case "uploads":
      return { action: "ecr:InitiateLayerUpload", repository: route.name };
    case "upload":
      return { action: method === "PUT" ? "ecr:CompleteLayerUpload" : "ecr:UploadLayerPart", repository: route.name };
  }
}
