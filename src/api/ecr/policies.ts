import type { DeleteRepositoryPolicyRequest, GetRepositoryPolicyRequest, PutRegistryPolicyRequest, SetRepositoryPolicyRequest } from "@aws-sdk/client-ecr";
import { DeleteRegistryPolicyRequest$, DeleteRepositoryPolicyRequest$, GetRegistryPolicyRequest$, GetRepositoryPolicyRequest$, PutRegistryPolicyRequest$, SetRepositoryPolicyRequest$ } from "../../aws-sdk/ecr.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { RepositoryScope } from "../../registry/ecr-images.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import type { EcrDeps } from "./deps.js";
import { checkPolicyText } from "./policy-text.js";
import { repositoryScope, requireRepository } from "./scope.js";

const repositoryPolicyNotFound = (s: RepositoryScope) =>
  new AwsError("RepositoryPolicyNotFoundException", `Repository policy does not exist for the repository with name '${excerpt(s.repositoryName, 256)}' in the registry with id '${s.registryId}'`);
const registryPolicyNotFound = (ctx: RequestContext) => new AwsError("RegistryPolicyNotFoundException", `Registry policy does not exist in the registry with id '${ctx.partition.accountId}'`);

/**
 * Repository policies and the registry policy. Policies are checked as ECR checks
 * their shape (policy-text.ts), stored in the registry's metadata and returned. Repository policies
 * are enforced with the caller's own (auth/repository-policies.ts, forgotten on every write here);
 * the registry policy (replication and pull-through permissions) is stored only.
 */
export function policyOperations({ registry }: EcrDeps): Record<string, Operation> {
  // Read when called: the compatibility page builds the table without a registry.
  const metadata = () => registry.metadata;
  return {
    SetRepositoryPolicy: operation<SetRepositoryPolicyRequest>(SetRepositoryPolicyRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const policyText = checkPolicyText(input.policyText, "repository");
      await requireRepository(registry, scope);
      await metadata().setRepositoryPolicy(scope.repositoryName, policyText);
      return { ...scope, policyText };
    }),

    GetRepositoryPolicy: operation<GetRepositoryPolicyRequest>(GetRepositoryPolicyRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const repo = await requireRepository(registry, scope);
      if (repo.repositoryPolicyText === undefined) throw repositoryPolicyNotFound(scope);
      return { ...scope, policyText: repo.repositoryPolicyText };
    }),

    DeleteRepositoryPolicy: operation<DeleteRepositoryPolicyRequest>(DeleteRepositoryPolicyRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const repo = await requireRepository(registry, scope);
      if (repo.repositoryPolicyText === undefined) throw repositoryPolicyNotFound(scope);
      await metadata().setRepositoryPolicy(scope.repositoryName, undefined);
      return { ...scope, policyText: repo.repositoryPolicyText };
    }),

    PutRegistryPolicy: operation<PutRegistryPolicyRequest>(PutRegistryPolicyRequest$, async (input, ctx) => {
      const policyText = checkPolicyText(input.policyText, "registry");
      await metadata().setRegistrySetting("registry-policy", policyText);
      return { registryId: ctx.partition.accountId, policyText };
    }),

    GetRegistryPolicy: operation<object>(GetRegistryPolicyRequest$, async (_input, ctx) => {
      const policyText = await metadata().getRegistrySetting("registry-policy");
      if (policyText === undefined) throw registryPolicyNotFound(ctx);
      return { registryId: ctx.partition.accountId, policyText };
    }),

    DeleteRegistryPolicy: operation<object>(DeleteRegistryPolicyRequest$, async (_input, ctx) => {
      const policyText = await metadata().getRegistrySetting("registry-policy");
      if (policyText === undefined) throw registryPolicyNotFound(ctx);
      await metadata().setRegistrySetting("registry-policy", undefined);
      return { registryId: ctx.partition.accountId, policyText };
    }),
  };
}
