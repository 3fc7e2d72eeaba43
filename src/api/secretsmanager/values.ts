import type { GetSecretValueRequest, GetSecretValueResponse, PutSecretValueRequest } from "@aws-sdk/client-secrets-manager";
import { GetSecretValueRequest$, PutSecretValueRequest$ } from "../../aws-sdk/secrets-manager.js";
import type { SecretBox } from "../../auth/secret-box.js";
import { current, type SecretRecord, type SecretVersion } from "../../domain/secrets/secret.js";
import { AwsError } from "../../errors/catalog.js";
import type { ReadTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import { recordReads } from "./access.js";
import { checkLength, checkStage, checkVersionId, newVersionOf, secretRefOf, secretValueOf } from "./checks.js";
import type { SecretsManagerDeps } from "./deps.js";
import { valueNotFound } from "./errors.js";
import { requireLiveSecret } from "./lookup.js";
import { putVersion } from "./new-version.js";
import { openValue, valueMembers } from "./sealed-value.js";

/** GetSecretValue's answer as it goes on the wire: SecretBinary is base64 text there. */
export type SecretValueAnswer = Omit<GetSecretValueResponse, "SecretBinary"> & { SecretBinary?: string };

/** The version a call names: by VersionId, by VersionStage (AWSCURRENT when neither), or both, which must agree. */
export function pickVersion(s: SecretRecord, versionId: string | undefined, stage: string | undefined): SecretVersion {
  if (versionId !== undefined) {
    const v = s.versions.find((x) => x.id === versionId);
    if (!v) throw valueNotFound(`VersionId: ${versionId}`);
    if (stage !== undefined && !v.stages.includes(stage)) throw new AwsError("InvalidRequestException", "You provided a VersionStage that is not associated to the provided VersionId.");
    return v;
  }
  const label = stage ?? current;
  const v = s.versions.find((x) => x.stages.includes(label));
  if (!v) throw valueNotFound(`staging label: ${label}`);
  return v;
}

/** A version's value and what GetSecretValue (and BatchGetSecretValue) answer with it. */
export async function readValue(tx: ReadTx, box: SecretBox, s: SecretRecord, v: SecretVersion): Promise<SecretValueAnswer> {
  const sealed = await tx.secrets.value(s.arn, v.id);
  if (sealed === undefined) throw valueNotFound(`VersionId: ${v.id}`);
  return { ARN: s.arn, Name: s.name, VersionId: v.id, ...valueMembers(openValue(box, sealed)), VersionStages: [...v.stages], CreatedDate: new Date(v.createdMs) };
}

/** Reading a secret's value, and storing a new one. */
export function valueOperations({ store, box }: SecretsManagerDeps): Record<string, Operation> {
  return {
    GetSecretValue: operation<GetSecretValueRequest>(GetSecretValueRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const versionId = checkVersionId(input.VersionId, "versionId");
      const stage = input.VersionStage === undefined ? undefined : checkStage(input.VersionStage, "versionStage");
      const { secret, answer } = await store.read(async (tx) => {
        const secret = await requireLiveSecret(tx, ref, ctx.nowMs);
        return { secret, answer: await readValue(tx, box, secret, pickVersion(secret, versionId, stage)) };
      });
      await recordReads(store, [{ secret, versionId: answer.VersionId! }], ctx.nowMs);
      return answer;
    }),

    PutSecretValue: operation<PutSecretValueRequest>(PutSecretValueRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const value = secretValueOf(input);
      if (value === undefined) throw new AwsError("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
      const added = newVersionOf(input.ClientRequestToken, value);
      const labels = input.VersionStages === undefined ? undefined : checkLength(input.VersionStages, "versionStages", 1, 20).map((l, i) => checkStage(l, `versionStages.${i + 1}.member`));
      return store.write(async (tx) => {
        const secret = await requireLiveSecret(tx, ref, ctx.nowMs);
        const { version } = await putVersion(tx, box, secret, { ...added, labels }, ctx.nowMs);
        return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
      });
    }),
  };
}
