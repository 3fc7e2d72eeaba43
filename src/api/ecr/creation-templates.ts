import type { CreateRepositoryCreationTemplateRequest, DeleteRepositoryCreationTemplateRequest, DescribeRepositoryCreationTemplatesRequest, RepositoryCreationTemplate, UpdateRepositoryCreationTemplateRequest } from "@aws-sdk/client-ecr";
import { CreateRepositoryCreationTemplateRequest$, DeleteRepositoryCreationTemplateRequest$, DescribeRepositoryCreationTemplatesRequest$, UpdateRepositoryCreationTemplateRequest$ } from "../../aws-sdk/ecr.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { loadTemplates, saveTemplates, type CreationTemplate } from "../../registry/creation-templates.js";
import { invalidLifecyclePolicy, parseLifecyclePolicy } from "../../registry/lifecycle-policy.js";
import { tagMutabilities } from "../../registry/metadata.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcrDeps } from "./deps.js";
import { checkPolicyText } from "./policy-text.js";
import { checkEcrTags } from "./tags.js";

const prefixPattern = /^(?:(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*\/?|ROOT)$/;
const appliedForValues = ["REPLICATION", "PULL_THROUGH_CACHE", "CREATE_ON_PUSH"];

const notFound = (prefix: string, registryId: string) =>
  new AwsError("TemplateNotFoundException", `The repository creation template with prefix '${excerpt(prefix, 256)}' does not exist in the registry with id '${registryId}'`);

function checkPrefix(prefix: string | undefined): string {
  const p = prefix ?? "";
  if (p.length < 1 || p.length > 256 || !prefixPattern.test(p)) throw invalidParameter(`Invalid parameter at 'prefix': '${excerpt(p, 256)}' is neither ROOT nor a repository namespace (lowercase letters, digits, . _ - and /)`);
  return p;
}

type TemplateInput = Omit<UpdateRepositoryCreationTemplateRequest, "prefix">;

/** A template from a Create or Update call over `base` (Update changes only what it names). */
function checkTemplate(prefix: string, input: TemplateInput, base: CreationTemplate | undefined, nowMs: number): CreationTemplate {
  if (input.encryptionConfiguration !== undefined) throw invalidParameter("Berth does not encrypt images at rest: leave encryptionConfiguration out.");
  if (input.imageTagMutabilityExclusionFilters !== undefined) throw invalidParameter("imageTagMutabilityExclusionFilters are not supported by Berth; use MUTABLE or IMMUTABLE.");
  const mutability = input.imageTagMutability ?? base?.imageTagMutability ?? "MUTABLE";
  const imageTagMutability = tagMutabilities.find((m) => m === mutability);
  if (imageTagMutability === undefined) throw invalidParameter(`Invalid parameter at 'imageTagMutability': ${excerpt(mutability)} is not MUTABLE or IMMUTABLE.`);
  const appliedFor = input.appliedFor ?? base?.appliedFor ?? [];
  if (appliedFor.length === 0 || appliedFor.some((a) => !appliedForValues.includes(a))) throw invalidParameter(`Invalid parameter at 'appliedFor': give one or more of ${appliedForValues.join(", ")}.`);
  if (input.lifecyclePolicy !== undefined) {
    const parsed = parseLifecyclePolicy(input.lifecyclePolicy);
    if (!parsed.ok) throw invalidLifecyclePolicy(parsed.message);
  }
  if (input.description !== undefined && input.description.length > 256) throw invalidParameter("Invalid parameter at 'description': at most 256 characters.");
  return {
    prefix,
    description: input.description ?? base?.description,
    resourceTags: input.resourceTags !== undefined ? checkEcrTags(input.resourceTags) : (base?.resourceTags ?? []),
    imageTagMutability,
    repositoryPolicy: input.repositoryPolicy !== undefined ? checkPolicyText(input.repositoryPolicy, "repository") : base?.repositoryPolicy,
    lifecyclePolicy: input.lifecyclePolicy ?? base?.lifecyclePolicy,
    appliedFor: [...new Set(appliedFor)],
    customRoleArn: input.customRoleArn ?? base?.customRoleArn,
    createdAtMs: base?.createdAtMs ?? nowMs,
    updatedAtMs: nowMs,
  };
}

const toEcr = (t: CreationTemplate): RepositoryCreationTemplate => ({
  prefix: t.prefix,
  ...(t.description !== undefined && { description: t.description }),
  encryptionConfiguration: { encryptionType: "AES256" },
  resourceTags: t.resourceTags.map((tag) => ({ Key: tag.key, Value: tag.value })),
  imageTagMutability: t.imageTagMutability,
  ...(t.repositoryPolicy !== undefined && { repositoryPolicy: t.repositoryPolicy }),
  ...(t.lifecyclePolicy !== undefined && { lifecyclePolicy: t.lifecyclePolicy }),
  appliedFor: [...t.appliedFor] as RepositoryCreationTemplate["appliedFor"],
  ...(t.customRoleArn !== undefined && { customRoleArn: t.customRoleArn }),
  createdAt: new Date(t.createdAtMs),
  updatedAt: new Date(t.updatedAtMs),
});

/**
 * Repository creation templates (`registry/creation-templates.ts`): stored per region; those applied
 * for REPLICATION shape the repositories replication creates.
 */
export function creationTemplateOperations({ registry }: EcrDeps): Record<string, Operation> {
  const metadata = () => registry.metadata;
  return {
    CreateRepositoryCreationTemplate: operation<CreateRepositoryCreationTemplateRequest>(CreateRepositoryCreationTemplateRequest$, async (input, ctx) => {
      const prefix = checkPrefix(input.prefix);
      const template = checkTemplate(prefix, input, undefined, ctx.nowMs);
      const templates = await loadTemplates(metadata());
      if (templates.some((t) => t.prefix === prefix)) {
        throw new AwsError("TemplateAlreadyExistsException", `The repository creation template with prefix '${prefix}' already exists in the registry with id '${ctx.partition.accountId}'`);
      }
      if (templates.length >= 100) throw new AwsError("LimitExceededException", "A registry can have at most 100 repository creation templates.");
      await saveTemplates(metadata(), [...templates, template]);
      return { registryId: ctx.partition.accountId, repositoryCreationTemplate: toEcr(template) };
    }),

    DescribeRepositoryCreationTemplates: operation<DescribeRepositoryCreationTemplatesRequest>(DescribeRepositoryCreationTemplatesRequest$, async (input, ctx) => {
      const prefixes = input.prefixes?.map(checkPrefix);
      const page = pageRequest(input, { defaultLimit: 100, maxLimit: 1000 });
      const all = (await loadTemplates(metadata())).filter((t) => prefixes === undefined || prefixes.includes(t.prefix));
      const after = page.after;
      const rest = after === undefined ? all : all.filter((t) => t.prefix > after);
      const items = rest.slice(0, page.limit);
      const last = items.at(-1);
      return {
        registryId: ctx.partition.accountId,
        repositoryCreationTemplates: items.map(toEcr),
        nextToken: encodeToken(rest.length > items.length && last !== undefined ? last.prefix : undefined),
      };
    }),

    UpdateRepositoryCreationTemplate: operation<UpdateRepositoryCreationTemplateRequest>(UpdateRepositoryCreationTemplateRequest$, async (input, ctx) => {
      const prefix = checkPrefix(input.prefix);
      const templates = await loadTemplates(metadata());
      const base = templates.find((t) => t.prefix === prefix);
      if (base === undefined) throw notFound(prefix, ctx.partition.accountId);
      const template = checkTemplate(prefix, input, base, ctx.nowMs);
      await saveTemplates(metadata(), templates.map((t) => (t.prefix === prefix ? template : t)));
      return { registryId: ctx.partition.accountId, repositoryCreationTemplate: toEcr(template) };
    }),

    DeleteRepositoryCreationTemplate: operation<DeleteRepositoryCreationTemplateRequest>(DeleteRepositoryCreationTemplateRequest$, async (input, ctx) => {
      const prefix = checkPrefix(input.prefix);
      const templates = await loadTemplates(metadata());
      const gone = templates.find((t) => t.prefix === prefix);
      if (gone === undefined) throw notFound(prefix, ctx.partition.accountId);
      await saveTemplates(metadata(), templates.filter((t) => t.prefix !== prefix));
      return { registryId: ctx.partition.accountId, repositoryCreationTemplate: toEcr(gone) };
    }),
  };
}

