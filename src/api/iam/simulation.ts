import type { CompiledPolicy } from "../../auth/policy/compile.js";
import type { RequestContext } from "../../auth/policy/conditions.js";
import { withinBoundary } from "../../auth/policy/evaluate.js";
import { explain, type Explanation } from "../../auth/policy/explain.js";

/** IAM's PolicySourceType: where a policy of the simulation came from. */
export type PolicySourceType = "user" | "group" | "role" | "aws-managed" | "user-managed" | "resource" | "none";

/** A policy of the simulation with its id as IAM reports it (`SourcePolicyId`) and its type. */
export interface SimulatedPolicy {
  readonly policy: CompiledPolicy;
  readonly type: PolicySourceType;
}

export interface SimulationInput {
  readonly policies: readonly SimulatedPolicy[];
  /** The permissions boundary's policies, when there is one (what they do not allow, nothing allows). */
  readonly boundary?: readonly SimulatedPolicy[] | undefined;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly context: RequestContext;
}

/** One `EvaluationResult` of IAM's model. */
export interface EvaluationResult {
  readonly EvalActionName: string;
  readonly EvalResourceName: string;
  readonly EvalDecision: "allowed" | "explicitDeny" | "implicitDeny";
  readonly MatchedStatements: readonly MatchedStatement[];
  readonly MissingContextValues: readonly string[];
  readonly PermissionsBoundaryDecisionDetail?: { readonly AllowedByPermissionsBoundary: boolean };
}

export interface MatchedStatement {
  readonly SourcePolicyId: string;
  readonly SourcePolicyType: PolicySourceType;
  readonly StartPosition?: { readonly Line: number; readonly Column: number };
  readonly EndPosition?: { readonly Line: number; readonly Column: number };
}

/**
 * The simulator's answer, one result per action and resource (actions outer, as IAM orders them):
 * the decision of IAM's evaluation logic, the statements that made it (`SourcePolicyId` is the
 * inline policy's name, the managed policy's ARN, or `PolicyInputList.<n>`; positions are the
 * statement's `{` and `}` in the policy's text, 1-based), and the condition keys it lacked.
 */
export function simulate(input: SimulationInput): EvaluationResult[] {
  const compiled = input.policies.map((p) => p.policy);
  const bounding = input.boundary?.map((p) => p.policy);
  const sources = new Map([...input.policies, ...(input.boundary ?? [])].map((p) => [p.policy, p]));
  return input.actions.flatMap((action) =>
    input.resources.map((resource): EvaluationResult => {
      const request = { action, resource, context: input.context };
      const own = explain(compiled, request);
      const bound = bounding && explain(bounding, request);
      const decision = bound ? withinBoundary(own.decision, () => bound.decision) : own.decision;
      // The statements shown are those of whichever decided: the boundary's when it denied.
      const e: Pick<Explanation, "matched"> = decision.effect !== "allowed" && decision.boundary === true ? { matched: decision.effect === "explicitDeny" ? bound!.matched : [] } : own;
      return {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decision.effect,
        ...(bound && { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: bound.decision.effect === "allowed" } }),
        MatchedStatements: e.matched.map(({ ref, policy }) => {
          const source = sources.get(policy);
          const span = policy.spans?.[ref.index];
          return {
            SourcePolicyId: ref.policy,
            SourcePolicyType: source?.type ?? "none",
            ...(span && { StartPosition: { Line: span.start.line, Column: span.start.column }, EndPosition: { Line: span.end.line, Column: span.end.column } }),
          };
        }),
        MissingContextValues: [...new Set([...own.missingContextKeys, ...(bound?.missingContextKeys ?? [])])],
      };
    }),
  );
}
