import { secretArnPrefix, type Partition } from "../../domain/arn.js";
import { unresolvedArn } from "../../domain/secrets/secret-id.js";
import type { Store } from "../../state/store.js";
import { checkName, secretRefOf } from "./checks.js";
import { findSecret } from "./lookup.js";

/** Calls that name no secret: IAM decides on `*`. (BatchGetSecretValue asks again for each secret it reads.) */
const unscoped = new Set(["ListSecrets", "GetRandomPassword", "BatchGetSecretValue"]);

/**
 * The resource IAM decides a Secrets Manager call on: the secret's full ARN, whichever form of
 * SecretId named it (a name, a partial ARN, the ARN), so that a policy on `secret:app/*` or on
 * `secret:app/db-??????` means the same whatever the caller wrote. A SecretId the store does not
 * know is decided on as written (a name as its partial ARN). CreateSecret's secret has no suffix
 * yet: `-??????` stands for it, which the patterns Secrets Manager's policies use (`name-??????`,
 * `name-*`, `prefix/*`) match and no policy naming one secret's ARN does.
 */
export function secretResources(store: Store): (operation: string, input: Readonly<Record<string, unknown>>, p: Partition, nowMs: number) => Promise<readonly string[]> {
  return async (operation, input, p, nowMs) => {
    if (unscoped.has(operation)) return ["*"];
    if (operation === "CreateSecret") return [`${secretArnPrefix(p)}${checkName(typeof input.Name === "string" ? input.Name : "")}-??????`];
    if (typeof input.SecretId !== "string") return ["*"];
    // Its refusal (a name Secrets Manager would not take) comes before authorization, as AWS validates first.
    const ref = secretRefOf(input.SecretId, p);
    const found = await store.read((tx) => findSecret(tx, ref, nowMs));
    return [found?.arn ?? unresolvedArn(ref, p)];
  };
}
