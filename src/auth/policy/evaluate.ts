import type { RequestContext } from "./conditions.js";
import type { CompiledPolicy, CompiledStatement, PrincipalMatch, StatementRef, TrustCaller } from "./compile.js";

/** What a principal asks: an action on a resource, with the request's context keys. */
export interface EvaluationRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

/** IAM's three outcomes; the statement that decided, when one did. */
export type Decision =
  | { readonly effect: "allowed"; readonly by: StatementRef }
  | { readonly effect: "explicitDeny"; readonly by: StatementRef }
  | { readonly effect: "implicitDeny" };

const applies = (s: CompiledStatement, r: EvaluationRequest): boolean =>
  s.action(r.action) && s.resource(r.resource) && (s.condition === undefined || s.condition(r.context));

/**
 * IAM's evaluation logic for identity policies: an explicit deny in any statement wins; else an
 * allow in any statement; else the request is implicitly denied. Pure and allocation-free on the
 * way: the policies were compiled beforehand.
 */
export function evaluate(policies: readonly CompiledPolicy[], request: EvaluationRequest): Decision {
  let allow: StatementRef | undefined;
  for (const p of policies) {
    for (const s of p.statements) {
      if (!applies(s, request)) continue;
      if (s.effect === "Deny") return { effect: "explicitDeny", by: s.ref };
      allow ??= s.ref;
    }
  }
  return allow ? { effect: "allowed", by: allow } : { effect: "implicitDeny" };
}

/** A trust policy's answer: denied, or allowed with how the caller was named (see {@link PrincipalMatch}). */
export type TrustDecision = { readonly effect: "allowed"; readonly by: StatementRef; readonly match: Exclude<PrincipalMatch, false> } | Exclude<Decision, { effect: "allowed" }>;

/** Evaluates a role's trust policy for `caller` asking `request.action` (sts:AssumeRole) on the role. */
export function evaluateTrust(trust: CompiledPolicy, caller: TrustCaller, request: EvaluationRequest): TrustDecision {
  let allow: { by: StatementRef; match: "direct" | "account" } | undefined;
  for (const s of trust.statements) {
    const match = s.principal?.(caller) ?? false;
    if (match === false || !applies(s, request)) continue;
    if (s.effect === "Deny") return { effect: "explicitDeny", by: s.ref };
    if (!allow || (allow.match === "account" && match === "direct")) allow = { by: s.ref, match };
  }
  return allow ? { effect: "allowed", ...allow } : { effect: "implicitDeny" };
}
