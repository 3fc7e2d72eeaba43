import type { CompiledPolicy } from "../../auth/policy/compile.js";
import type { RequestContext } from "../../auth/policy/conditions.js";
import { explain } from "../../auth/policy/explain.js";

/** IAM's PolicySourceType: where a policy of the simulation came from. */
export type PolicySourceType = "user" | "group" | "role" | "aws-managed" | "user-managed" | "resource" | "none";

/** A policy of the simulation with its id as IAM reports it (`SourcePolicyId`) and its type. */
export interface SimulatedPolicy {
  readonly policy: CompiledPolicy;
  readonly type: PolicySourceType;
}

export interface SimulationInput {
  readonly policies: readonly SimulatedPolicy[];
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
  const sources = new Map(input.policies.map((p) => [p.policy, p]));
  return input.actions.flatMap((action) =>
    input.resources.map((resource): EvaluationResult => {
      const e = explain(compiled, { action, resource, context: input.context });
      return {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: e.decision.effect,
        MatchedStatements: e.matched.map(({ ref, policy }) => {
          const source = sources.get(policy);
          const span = policy.spans?.[ref.index];
          return {
            SourcePolicyId: ref.policy,
            SourcePolicyType: source?.type ?? "none",
            ...(span && { StartPosition: { Line: span.start.line, Column: span.start.column }, EndPosition: { Line: span.end.line, Column: span.end.column } }),
          };
        }),
        MissingContextValues: e.missingContextKeys,
      };
    }),
  );
}
