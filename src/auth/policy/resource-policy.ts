import { compilePolicy, type CompiledPolicy, type StatementRef } from "./compile.js";
import { parsePolicy } from "./document.js";
import { matcher, type EvaluationRequest } from "./evaluate.js";
import { matchResourceNotPrincipal, matchResourcePrincipal, type ResourceCaller, type ResourcePrincipalMatch } from "./resource-principal.js";

/** A resource's policy (an ECR repository's) compiled once: its statements and, per statement, whom it names. */
export interface ResourcePolicy {
  readonly policy: CompiledPolicy;
  readonly principals: readonly ((caller: ResourceCaller) => ResourcePrincipalMatch)[];
  /** The context keys its conditions read, lower-cased (as PolicySet's). */
  readonly contextKeys: readonly string[];
}

/** What a resource policy says of one request: the deny or the best allow (see {@link ResourcePrincipalMatch}). */
export type ResourceDecision =
  | { readonly effect: "explicitDeny"; readonly by: StatementRef }
  | { readonly effect: "allowed"; readonly by: StatementRef; readonly match: Exclude<ResourcePrincipalMatch, false> }
  | { readonly effect: "implicitDeny" };

/** Parses, checks and compiles a resource policy's text (throws MalformedPolicyDocument). */
export function compileResourcePolicy(name: string, text: string): ResourcePolicy {
  const doc = parsePolicy(text, "resource");
  const policy = compilePolicy(name, doc);
  const principals = doc.Statement.map((s) => {
    const spec = s.Principal ?? s.NotPrincipal;
    if (spec === undefined) return () => false as const;
    return s.Principal !== undefined ? (c: ResourceCaller) => matchResourcePrincipal(spec, c) : (c: ResourceCaller) => matchResourceNotPrincipal(spec, c);
  });
  const contextKeys = [...new Set(policy.statements.flatMap((s) => s.conditionKeys.map((k) => k.toLowerCase())))];
  return { policy, principals, contextKeys };
}

/** Everything denied to everyone but root: what a stored policy that no longer compiles stands for (fail closed). */
const denyAll = compileResourcePolicy("(unreadable resource policy)", JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "*" }] }));

/**
 * A stored resource policy (an ECR repository's, a secret's) compiled for enforcement. It compiled
 * when it was stored; one that no longer does (a stricter Berth since) denies everyone but root.
 */
export function compileStoredPolicy(name: string, text: string): ResourcePolicy {
  try {
    return compileResourcePolicy(name, text);
  } catch {
    return denyAll;
  }
}

const strength = { named: 3, role: 2, account: 1 } as const;

/** IAM's logic for one resource policy: a matching Deny naming the caller wins; else the Allow that names the caller most directly. */
export function evaluateResourcePolicy(rp: ResourcePolicy, caller: ResourceCaller, request: EvaluationRequest): ResourceDecision {
  const applies = matcher(request);
  const action = request.action.toLowerCase();
  let allow: { by: StatementRef; match: Exclude<ResourcePrincipalMatch, false> } | undefined;
  for (const [i, s] of rp.policy.statements.entries()) {
    const match = rp.principals[i]?.(caller) ?? false;
    if (match === false || !applies(s, action)) continue;
    if (s.effect === "Deny") return { effect: "explicitDeny", by: s.ref };
    if (!allow || strength[match] > strength[allow.match]) allow = { by: s.ref, match };
  }
  return allow ? { effect: "allowed", ...allow } : { effect: "implicitDeny" };
}
