import type { RequestContext } from "./conditions.js";
import type { CompiledPolicy, CompiledStatement, PrincipalMatch, StatementRef, TrustCaller } from "./compile.js";
import { maxMemoizedMatches, policySet, type IndexedStatement, type PolicySet } from "./policy-set.js";

/** What a principal asks: an action on a resource, with the request's context keys (or how to make them, when a condition needs them). */
export interface EvaluationRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext | (() => RequestContext);
}

/** IAM's three outcomes; the statement that decided, when one did; `boundary` when the permissions boundary denied. */
export type Decision =
  | { readonly effect: "allowed"; readonly by: StatementRef }
  | { readonly effect: "explicitDeny"; readonly by: StatementRef; readonly boundary?: true; readonly resourcePolicy?: true }
  | { readonly effect: "implicitDeny"; readonly boundary?: true };

/**
 * IAM's rule for a permissions boundary: an explicit deny in either wins (the identity's first);
 * else allowed only when both the identity's policies and the boundary allow.
 */
export function withinBoundary(identity: Decision, boundary: () => Decision): Decision {
  if (identity.effect === "explicitDeny") return identity;
  const b = boundary();
  if (b.effect === "explicitDeny") return { ...b, boundary: true };
  if (identity.effect !== "allowed") return identity;
  return b.effect === "allowed" ? identity : { effect: "implicitDeny", boundary: true };
}

/** Matches a statement against a request whose action is already lower-cased; builds the context at most once. */
export function matcher(request: EvaluationRequest): (s: CompiledStatement, action: string) => boolean {
  const ctx = contextOf(request);
  return (s, action) =>
    s.action(action) && s.resource(request.resource) && (s.resourceInContext === undefined || s.resourceInContext(request.resource, ctx())) && (s.condition === undefined || s.condition(ctx()));
}

function contextOf(request: EvaluationRequest): () => RequestContext {
  const given = request.context;
  if (typeof given !== "function") return () => given;
  let context: RequestContext | undefined;
  return () => (context ??= given());
}

/**
 * The statements of `set` whose action and resource match, in ordinal order (memoized per set, by
 * the action as asked: a request pays the lower-casing only the first time).
 */
function candidates(set: PolicySet, asked: string, resource: string): readonly IndexedStatement[] {
  const key = `${asked}\0${resource}`;
  const known = set.matches.get(key);
  if (known) return known;
  const action = asked.toLowerCase();
  const found: IndexedStatement[] = [];
  const colon = action.indexOf(":");
  for (const list of [set.byAction.get(action), colon > 0 ? set.byService.get(action.slice(0, colon)) : undefined, set.always]) {
    for (const s of list ?? []) if (s.statement.action(action) && s.statement.resource(resource) && !found.includes(s)) found.push(s);
  }
  found.sort((a, b) => a.ordinal - b.ordinal);
  if (set.matches.size >= maxMemoizedMatches) set.matches.clear();
  set.matches.set(key, found);
  return found;
}

/**
 * IAM's evaluation logic for identity policies: an explicit deny in any statement wins; else an
 * allow in any statement; else the request is implicitly denied. The statement reported is the
 * first deciding one in policy order. `policies` is a compiled {@link PolicySet} (or a list, indexed here).
 */
export function evaluate(policies: PolicySet | readonly CompiledPolicy[], request: EvaluationRequest): Decision {
  const set = isPolicySet(policies) ? policies : policySet(policies);
  const ctx = contextOf(request);
  let allow: StatementRef | undefined;
  for (const { statement: s } of candidates(set, request.action, request.resource)) {
    if (s.resourceInContext !== undefined && !s.resourceInContext(request.resource, ctx())) continue;
    if (s.condition !== undefined && !s.condition(ctx())) continue;
    if (s.effect === "Deny") return { effect: "explicitDeny", by: s.ref };
    allow ??= s.ref;
  }
  return allow ? { effect: "allowed", by: allow } : { effect: "implicitDeny" };
}

const isPolicySet = (p: PolicySet | readonly CompiledPolicy[]): p is PolicySet => "byAction" in p;

/** A trust policy's answer: denied, or allowed with how the caller was named (see {@link PrincipalMatch}). */
export type TrustDecision = { readonly effect: "allowed"; readonly by: StatementRef; readonly match: Exclude<PrincipalMatch, false> } | Exclude<Decision, { effect: "allowed" }>;

/** Evaluates a role's trust policy for `caller` asking `request.action` (sts:AssumeRole) on the role. */
export function evaluateTrust(trust: CompiledPolicy, caller: TrustCaller, request: EvaluationRequest): TrustDecision {
  const applies = matcher(request);
  const action = request.action.toLowerCase();
  let allow: { by: StatementRef; match: "direct" | "account" } | undefined;
  for (const s of trust.statements) {
    const match = s.principal?.(caller) ?? false;
    if (match === false || !applies(s, action)) continue;
    if (s.effect === "Deny") return { effect: "explicitDeny", by: s.ref };
    if (!allow || (allow.match === "account" && match === "direct")) allow = { by: s.ref, match };
  }
  return allow ? { effect: "allowed", ...allow } : { effect: "implicitDeny" };
}
