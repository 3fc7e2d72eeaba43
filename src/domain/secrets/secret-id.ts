import { secretArnPrefix, type Partition } from "../arn.js";

/** Secrets Manager's names: 1 to 512 ASCII letters, digits and `/_+=.@-`. */
const namePattern = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** The characters of the random suffix of a secret's ARN. */
const suffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export const isSecretName = (name: string): boolean => namePattern.test(name);

/**
 * The 6 characters after the name in a new secret's ARN. `randomInt(n)` is a whole number below
 * `n`; the suffix is not a secret, only different from one secret of a name to the next.
 */
export function arnSuffix(randomInt: (n: number) => number): string {
  let suffix = "";
  for (let i = 0; i < 6; i++) suffix += suffixAlphabet[randomInt(suffixAlphabet.length)];
  return suffix;
}

/**
 * A `SecretId` as Secrets Manager reads one: a name, or an ARN of this region and account, which is
 * the secret's full ARN (name and suffix) or a partial ARN (the name without the suffix). Which of
 * the two an ARN is only the store can tell, so both readings are kept: the store looks the ARN up
 * first, then its tail as a name. An ARN of another region, account or service names nothing here.
 */
export type SecretRef =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "arn"; readonly arn: string; readonly tail: string }
  | { readonly kind: "elsewhere"; readonly arn: string };

/** The reading of `id`, or undefined when it is neither an ARN nor a secret name. */
export function parseSecretId(id: string, p: Partition): SecretRef | undefined {
  if (id.startsWith("arn:")) {
    const prefix = secretArnPrefix(p);
    return id.startsWith(prefix) && id.length > prefix.length ? { kind: "arn", arn: id, tail: id.slice(prefix.length) } : { kind: "elsewhere", arn: id };
  }
  return isSecretName(id) ? { kind: "name", name: id } : undefined;
}

/**
 * The ARN IAM decides on for a secret the store does not hold: the ARN as given, or the partial ARN
 * of a name. A caller allowed on `secret:app/*` may then hear that `app/x` does not exist; one
 * allowed on nothing hears AccessDeniedException first, as from Secrets Manager.
 */
export function unresolvedArn(ref: SecretRef, p: Partition): string {
  return ref.kind === "name" ? `${secretArnPrefix(p)}${ref.name}` : ref.arn;
}
