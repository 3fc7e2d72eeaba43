import type { DeleteResourcePolicyRequest, GetResourcePolicyRequest, PutResourcePolicyRequest, ValidateResourcePolicyRequest } from "@aws-sdk/client-secrets-manager";
import { DeleteResourcePolicyRequest$, GetResourcePolicyRequest$, PutResourcePolicyRequest$, ValidateResourcePolicyRequest$ } from "../../aws-sdk/secrets-manager.js";
import { compileResourcePolicy } from "../../auth/policy/resource-policy.js";
import { grantsPublicAccess } from "../../domain/secrets/public-policy.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import { checkLength, secretRefOf } from "./checks.js";
import type { SecretsManagerDeps } from "./deps.js";
import { requireLiveSecret, requireSecret } from "./lookup.js";

/**
 * A resource policy as Secrets Manager takes one: up to 20,480 characters that IAM reads as a
 * resource policy (every statement with a Principal), checked as Berth enforces it
 * (auth/policy/resource-policy.ts); MalformedPolicyDocumentException, in IAM's words, otherwise.
 */
function checkPolicy(text: string): string {
  checkLength(text, "resourcePolicy", 1, 20_480);
  try {
    compileResourcePolicy("secret policy", text);
  } catch (e) {
    throw new AwsError("MalformedPolicyDocumentException", e instanceof Error ? e.message : "The resource policy is not a valid policy document.");
  }
  return text;
}

/**
 * A secret's resource-based policy: stored as given and enforced by the front door with the
 * identity's policies (an IAM user or role of the account that the policy names may act on the
 * secret without an identity-based allow; its explicit deny wins over any allow).
 */
export function policyOperations({ store }: SecretsManagerDeps): Record<string, Operation> {
  return {
    PutResourcePolicy: operation<PutResourcePolicyRequest>(PutResourcePolicyRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const text = checkPolicy(input.ResourcePolicy ?? "");
      if (input.BlockPublicPolicy === true && grantsPublicAccess(text)) {
        throw new AwsError("PublicPolicyException", "The BlockPublicPolicy parameter is set and the resource policy grants wide access to the secret (a Principal of \"*\" without a Condition).");
      }
      return store.write(async (tx) => {
        const secret = await requireLiveSecret(tx, ref, ctx.nowMs);
        await tx.secrets.put({ ...secret, resourcePolicy: text, version: secret.version + 1, lastChangedMs: ctx.nowMs });
        return { ARN: secret.arn, Name: secret.name };
      });
    }),

    GetResourcePolicy: operation<GetResourcePolicyRequest>(GetResourcePolicyRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const secret = await store.read((tx) => requireLiveSecret(tx, ref, ctx.nowMs));
      return { ARN: secret.arn, Name: secret.name, ResourcePolicy: secret.resourcePolicy };
    }),

    DeleteResourcePolicy: operation<DeleteResourcePolicyRequest>(DeleteResourcePolicyRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      return store.write(async (tx) => {
        const secret = await requireLiveSecret(tx, ref, ctx.nowMs);
        if (secret.resourcePolicy !== undefined) await tx.secrets.put({ ...secret, resourcePolicy: undefined, version: secret.version + 1, lastChangedMs: ctx.nowMs });
        return { ARN: secret.arn, Name: secret.name };
      });
    }),

    ValidateResourcePolicy: operation<ValidateResourcePolicyRequest>(ValidateResourcePolicyRequest$, async (input, ctx) => {
      const ref = input.SecretId === undefined ? undefined : secretRefOf(input.SecretId, ctx.partition);
      checkPolicy(input.ResourcePolicy ?? "");
      if (ref !== undefined) await store.read((tx) => requireSecret(tx, ref, ctx.nowMs));
      return { PolicyValidationPassed: true, ValidationErrors: [] };
    }),
  };
}
