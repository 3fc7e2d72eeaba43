import { compileResourcePolicy } from "../../auth/policy/resource-policy.js";
import { invalidParameter } from "../../errors/catalog.js";

/** ECR's bound on a policy's text (SetRepositoryPolicy and PutRegistryPolicy `policyText`). */
export const maxPolicyLength = 10_240;

/**
 * A resource policy as ECR accepts one: JSON, an object with `Statement` (one or a list), each with
 * `Effect` Allow or Deny, a `Principal`, and `Action` (or `NotAction`). Stored as given. A repository
 * policy must also compile as IAM reads resource policies (auth/policy/resource-policy.ts), as it is
 * enforced; the registry policy is stored and returned only.
 */
export function checkPolicyText(text: string | undefined, kind: "repository" | "registry"): string {
  const refuse = () => invalidParameter(`Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid ${kind} policy provided'`);
  if (text === undefined || text.length === 0 || text.length > maxPolicyLength) throw refuse();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw refuse();
  }
  if (!isObject(doc) || doc.Statement === undefined) throw refuse();
  const statements: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (statements.length === 0) throw refuse();
  for (const s of statements) {
    if (!isObject(s)) throw refuse();
    if (s.Effect !== "Allow" && s.Effect !== "Deny") throw refuse();
    if (s.Principal === undefined && s.NotPrincipal === undefined) throw refuse();
    if (s.Action === undefined && s.NotAction === undefined) throw refuse();
  }
  if (kind === "repository") {
    try {
      compileResourcePolicy("repository policy", text);
    } catch {
      throw refuse();
    }
  }
  return text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
