import type { DescribeSecretResponse, SecretListEntry, SecretVersionsListEntry } from "@aws-sdk/client-secrets-manager";
import type { SecretRecord, SecretVersion } from "../../domain/secrets/secret.js";

const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

/** The labelled versions' ids and labels (deprecated versions are not shown), or undefined when there are none. */
function stagesOf(s: SecretRecord): Record<string, string[]> | undefined {
  const labelled = s.versions.filter((v) => v.stages.length > 0);
  return labelled.length === 0 ? undefined : Object.fromEntries(labelled.map((v) => [v.id, [...v.stages]]));
}

/** What DescribeSecret and ListSecrets share: members Secrets Manager leaves out when unset (an empty description too). */
function common(s: SecretRecord) {
  return {
    ARN: s.arn,
    Name: s.name,
    Description: s.description === "" ? undefined : s.description,
    KmsKeyId: s.kmsKeyId,
    LastChangedDate: date(s.lastChangedMs),
    LastAccessedDate: date(s.lastAccessedMs),
    DeletedDate: date(s.deletedMs),
    Tags: s.tags?.map((t) => ({ ...t })),
    CreatedDate: date(s.createdMs),
  };
}

export const describeView = (s: SecretRecord): DescribeSecretResponse => ({ ...common(s), VersionIdsToStages: stagesOf(s) });

export const listEntry = (s: SecretRecord): SecretListEntry => ({ ...common(s), SecretVersionsToStages: stagesOf(s) });

/** The key Secrets Manager names for a version made under its default key. */
const defaultKey = "DefaultEncryptionKey";

export const versionEntry = (v: SecretVersion): SecretVersionsListEntry => ({
  VersionId: v.id,
  VersionStages: v.stages.length === 0 ? undefined : [...v.stages],
  LastAccessedDate: date(v.lastAccessedMs),
  CreatedDate: date(v.createdMs),
  KmsKeyIds: [v.kmsKeyId ?? defaultKey],
});
