import type { CompiledPolicy, StatementRef } from "./compile.js";
import type { RequestContext } from "./conditions.js";
import type { Decision } from "./evaluate.js";

/** A statement that applied, and the policy it belongs to (names may repeat: a user's and a group's inline policies). */
export interface MatchedStatement {
  readonly ref: StatementRef;
  readonly policy: CompiledPolicy;
}

/** A request as the simulator puts it: the context is given whole (the simulation's keys). */
export interface ExplainedRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

/**
 * IAM's decision with its reasons: every statement of the deciding effect that applies (every
 * denying one for an explicit deny, every allowing one for an allow; none for an implicit deny),
 * and the context keys read by the conditions of statements whose action and resource match but
 * that the request did not carry (IAM's `MissingContextValues`).
 */
export interface Explanation {
  readonly decision: Decision;
  readonly matched: readonly MatchedStatement[];
  readonly missingContextKeys: readonly string[];
}

/**
 * The same decision as {@link evaluate} (a test holds them equal), explained. It checks every
 * statement of every policy, without the index or its memo: it serves the simulator, never the
 * authorization of a request, whose path stays as fast as it was.
 */
export function explain(policies: readonly CompiledPolicy[], request: ExplainedRequest): Explanation {
  const action = request.action.toLowerCase();
  const allows: MatchedStatement[] = [];
  const denies: MatchedStatement[] = [];
  const missing = new Map<string, string>();
  for (const policy of policies) {
    for (const s of policy.statements) {
      if (!s.action(action) || !s.resource(request.resource)) continue;
      for (const key of s.conditionKeys) {
        if (request.context[key.toLowerCase()] === undefined && !missing.has(key.toLowerCase())) missing.set(key.toLowerCase(), key);
      }
      if (s.resourceInContext !== undefined && !s.resourceInContext(request.resource, request.context)) continue;
      if (s.condition !== undefined && !s.condition(request.context)) continue;
      (s.effect === "Deny" ? denies : allows).push({ ref: s.ref, policy });
    }
  }
  const missingContextKeys = [...missing.values()];
  if (denies.length > 0) return { decision: { effect: "explicitDeny", by: denies[0]!.ref }, matched: denies, missingContextKeys };
  if (allows.length > 0) return { decision: { effect: "allowed", by: allows[0]!.ref }, matched: allows, missingContextKeys };
  return { decision: { effect: "implicitDeny" }, matched: [], missingContextKeys };
}
