import type { RegistryMetadata, ResourceTag, TagMutability } from "./metadata.js";

/**
 * Repository creation templates: the settings a repository gets when the registry creates it on a
 * user's behalf. Berth creates repositories for replication only (no pull-through cache, no create
 * on push), so only templates applied for REPLICATION change anything; the others are stored and
 * returned. Stored as one registry setting; ECR's `ROOT` prefix is the fallback for every name.
 */
export interface CreationTemplate {
  readonly prefix: string;
  readonly description?: string | undefined;
  readonly resourceTags: readonly ResourceTag[];
  readonly imageTagMutability: TagMutability;
  readonly repositoryPolicy?: string | undefined;
  readonly lifecyclePolicy?: string | undefined;
  readonly appliedFor: readonly string[];
  readonly customRoleArn?: string | undefined;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export const rootPrefix = "ROOT";

/** The template for `repository`: the longest prefix naming one of its namespaces (`prod` covers `prod/...`), else ROOT. */
export function templateFor(templates: readonly CreationTemplate[], repository: string, appliedFor: string): CreationTemplate | undefined {
  let best: CreationTemplate | undefined;
  for (const t of templates) {
    if (!t.appliedFor.includes(appliedFor)) continue;
    if (t.prefix === rootPrefix) {
      best ??= t;
      continue;
    }
    const namespace = t.prefix.endsWith("/") ? t.prefix : `${t.prefix}/`;
    if (repository.startsWith(namespace) && (best === undefined || best.prefix === rootPrefix || t.prefix.length > best.prefix.length)) best = t;
  }
  return best;
}

const setting = "creation-templates" as const;

export async function loadTemplates(metadata: RegistryMetadata): Promise<CreationTemplate[]> {
  const text = await metadata.getRegistrySetting(setting);
  if (text === undefined) return [];
  const value: unknown = JSON.parse(text);
  // Berth's own text, written by saveTemplates from checked templates.
  return Array.isArray(value) ? (value as CreationTemplate[]).filter((t) => typeof t === "object" && typeof t.prefix === "string") : [];
}

export async function saveTemplates(metadata: RegistryMetadata, templates: readonly CreationTemplate[]): Promise<void> {
  await metadata.setRegistrySetting(setting, templates.length === 0 ? undefined : JSON.stringify([...templates].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0))));
}

/**
 * Creates `repository` as the registry creates it for `appliedFor`: with the matching template's
 * settings, else ECR's defaults. False when it already exists.
 */
export async function createFromTemplate(metadata: RegistryMetadata, repository: string, appliedFor: "REPLICATION", nowMs: number): Promise<boolean> {
  const t = templateFor(await loadTemplates(metadata), repository, appliedFor);
  const created = await metadata.createRepository(
    { name: repository, createdAtMs: nowMs, imageTagMutability: t?.imageTagMutability ?? "MUTABLE", lifecyclePolicyText: t?.lifecyclePolicy },
    t?.resourceTags ?? [],
  );
  if (!created.ok) return false;
  if (t?.repositoryPolicy !== undefined) await metadata.setRepositoryPolicy(repository, t.repositoryPolicy);
  return true;
}
