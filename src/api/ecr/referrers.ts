import type { ImageReferrer, ListImageReferrersRequest } from "@aws-sdk/client-ecr";
import { ListImageReferrersRequest$ } from "../../aws-sdk/ecr.js";
import { invalidParameter } from "../../errors/catalog.js";
import { isEcrDigestSyntax } from "../../registry/digest.js";
import { referrersOf } from "../../registry/referrers.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcrDeps } from "./deps.js";
import { pageOf } from "./images.js";
import { repositoryScope, requireRepository } from "./scope.js";

const artifactStatusFilters: readonly string[] = ["ACTIVE", "ARCHIVED", "ACTIVATING", "ANY"];

/**
 * ListImageReferrers: the OCI referrers of an image (the same listing as `/v2/<name>/referrers/<digest>`).
 * Berth has no archive storage class, so every artifact is ACTIVE: the ARCHIVED and ACTIVATING
 * filters find nothing. A subject that is not (or not yet) in the repository has no referrers, as in OCI.
 */
export function referrerOperations({ registry }: EcrDeps): Record<string, Operation> {
  return {
    ListImageReferrers: operation<ListImageReferrersRequest>(ListImageReferrersRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const subject = input.subjectId?.imageDigest ?? "";
      if (!isEcrDigestSyntax(subject)) throw invalidParameter(`Invalid parameter at 'subjectId.imageDigest': '${subject.slice(0, 80)}' is not an image digest (sha256:<64 hex digits>).`);
      const page = pageRequest(input, { defaultLimit: 20, maxLimit: 50 });
      await requireRepository(registry, scope);
      const status = input.filter?.artifactStatus ?? "ACTIVE";
      if (!artifactStatusFilters.includes(status)) throw invalidParameter(`Invalid parameter at 'filter.artifactStatus': it must be one of ${artifactStatusFilters.join(", ")}.`);
      const all = status === "ACTIVE" || status === "ANY" ? referrersOf(await registry.metadata.listManifests(scope.repositoryName), subject, input.filter?.artifactTypes) : [];
      const referrers: ImageReferrer[] = all.map((r) => ({ ...r, annotations: r.annotations && { ...r.annotations }, artifactStatus: "ACTIVE" }));
      const { items, nextAfter } = pageOf(referrers, (r) => r.digest ?? "", page);
      return { referrers: items, nextToken: encodeToken(nextAfter) };
    }),
  };
}
