import type { DeleteLifecyclePolicyRequest, GetLifecyclePolicyPreviewRequest, GetLifecyclePolicyRequest, PutLifecyclePolicyRequest, StartLifecyclePolicyPreviewRequest } from "@aws-sdk/client-ecr";
import { DeleteLifecyclePolicyRequest$, GetLifecyclePolicyPreviewRequest$, GetLifecyclePolicyRequest$, PutLifecyclePolicyRequest$, StartLifecyclePolicyPreviewRequest$ } from "../../aws-sdk/ecr.js";
import { AwsError } from "../../errors/catalog.js";
import { lifecycleImages, type RepositoryScope } from "../../registry/ecr-images.js";
import type { RepositoryRecord } from "../../registry/metadata.js";
import { previewResults } from "../../registry/ecr-image-writes.js";
import { evaluateLifecyclePolicy, type Expiration } from "../../registry/lifecycle-evaluation.js";
import { invalidLifecyclePolicy, parseLifecyclePolicy, type LifecyclePolicy } from "../../registry/lifecycle-policy.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcrDeps } from "./deps.js";
import { repositoryScope, requireRepository } from "./scope.js";

/** A finished preview: what the policy would expire, evaluated when the preview started. */
interface Preview {
  readonly policyText: string;
  readonly expirations: readonly Expiration[];
}

const policyNotFound = (s: RepositoryScope): AwsError =>
  new AwsError(
    "LifecyclePolicyNotFoundException",
    `Lifecycle policy does not exist for the repository with name '${s.repositoryName}' in the registry with id '${s.registryId}'`,
  );

function parsePolicy(text: string): LifecyclePolicy {
  const parsed = parseLifecyclePolicy(text);
  if (!parsed.ok) throw invalidLifecyclePolicy(parsed.message);
  return parsed.policy;
}

/**
 * Put/Get/DeleteLifecyclePolicy and the preview pair. The policy is applied by the registry's
 * maintenance loop (`registry/maintenance.ts`). A preview is evaluated at once (evaluation is
 * pure and quick) and kept in memory until the next preview of that repository or a restart.
 */
export function lifecyclePolicyOperations({ registry }: EcrDeps): Record<string, Operation> {
  const previews = new Map<string, Preview>();
  return {
    PutLifecyclePolicy: operation<PutLifecyclePolicyRequest>(PutLifecyclePolicyRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const text = input.lifecyclePolicyText ?? "";
      parsePolicy(text);
      await requireRepository(registry, scope);
      await registry.metadata.setLifecyclePolicy(scope.repositoryName, text);
      return { ...scope, lifecyclePolicyText: text };
    }),

    GetLifecyclePolicy: operation<GetLifecyclePolicyRequest>(GetLifecyclePolicyRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const repo = await requireRepository(registry, scope);
      if (repo.lifecyclePolicyText === undefined) throw policyNotFound(scope);
      return { ...scope, lifecyclePolicyText: repo.lifecyclePolicyText, ...lastEvaluatedAt(repo) };
    }),

    DeleteLifecyclePolicy: operation<DeleteLifecyclePolicyRequest>(DeleteLifecyclePolicyRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const repo = await requireRepository(registry, scope);
      if (repo.lifecyclePolicyText === undefined) throw policyNotFound(scope);
      await registry.metadata.setLifecyclePolicy(scope.repositoryName, undefined);
      return { ...scope, lifecyclePolicyText: repo.lifecyclePolicyText, ...lastEvaluatedAt(repo) };
    }),

    StartLifecyclePolicyPreview: operation<StartLifecyclePolicyPreviewRequest>(StartLifecyclePolicyPreviewRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const repo = await requireRepository(registry, scope);
      const policyText = input.lifecyclePolicyText ?? repo.lifecyclePolicyText;
      if (policyText === undefined) throw policyNotFound(scope);
      const policy = parsePolicy(policyText);
      const images = lifecycleImages(await registry.metadata.listManifests(scope.repositoryName));
      previews.set(scope.repositoryName, { policyText, expirations: evaluateLifecyclePolicy(policy, images, ctx.nowMs) });
      return { ...scope, lifecyclePolicyText: policyText, status: "IN_PROGRESS" };
    }),

    GetLifecyclePolicyPreview: operation<GetLifecyclePolicyPreviewRequest>(GetLifecyclePolicyPreviewRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      await requireRepository(registry, scope);
      const preview = previews.get(scope.repositoryName);
      if (preview === undefined) {
        throw new AwsError(
          "LifecyclePolicyPreviewNotFoundException",
          `There is no lifecycle policy preview for the repository with name '${scope.repositoryName}' in the registry with id '${scope.registryId}'`,
        );
      }
      return {
        ...scope,
        lifecyclePolicyText: preview.policyText,
        status: "COMPLETE",
        previewResults: previewResults(preview.expirations),
        summary: { expiringImageTotalCount: preview.expirations.length },
      };
    }),
  };
}

/** When registry maintenance last ran the policy; absent until it has. */
const lastEvaluatedAt = (repo: RepositoryRecord) => (repo.lifecycleEvaluatedAtMs === undefined ? {} : { lastEvaluatedAt: new Date(repo.lifecycleEvaluatedAtMs) });
