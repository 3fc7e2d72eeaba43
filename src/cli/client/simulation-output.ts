import type { EvaluationResult, Statement } from "@aws-sdk/client-iam";

const kinds: Readonly<Record<string, string>> = {
  user: "inline policy of the user",
  group: "inline policy of a group",
  role: "inline policy of the role",
  "user-managed": "managed policy",
  "aws-managed": "AWS managed policy",
  none: "given policy",
};

/** A statement in plain words: `statement at line 1, column 38 of managed policy arn:…`. */
export function describeStatement(s: Statement): string {
  const where = s.StartPosition?.Line !== undefined ? `the statement at line ${s.StartPosition.Line}, column ${s.StartPosition.Column ?? 1}` : "a statement";
  return `${where} of ${kinds[s.SourcePolicyType ?? "none"] ?? "policy"} ${s.SourcePolicyId ?? "(unnamed)"}`;
}

/**
 * One simulation result in plain words: the decision, the statement that made it (and how many
 * more agreed) or the permissions boundary that did not allow it, and the context keys the
 * policies needed but were not given.
 */
export function formatEvaluation(r: EvaluationResult, principal: string): string {
  const head = `${r.EvalActionName ?? "?"} on ${r.EvalResourceName ?? "*"}`;
  const matched = r.MatchedStatements ?? [];
  const more = matched.length > 1 ? ` (and ${matched.length - 1} more statement${matched.length > 2 ? "s" : ""})` : "";
  const lines: string[] = [];
  switch (r.EvalDecision) {
    case "allowed":
      lines.push(`${head}: ALLOWED by ${matched[0] ? describeStatement(matched[0]) : "a statement"}${more}`);
      break;
    case "explicitDeny":
      lines.push(`${head}: DENIED explicitly by ${matched[0] ? describeStatement(matched[0]) : "a statement"}${more}`);
      break;
    default:
      lines.push(
        r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false && matched.length === 0
          ? `${head}: DENIED implicitly: ${principal}'s permissions boundary does not allow it`
          : `${head}: DENIED implicitly: no statement of ${principal}'s policies allows it`,
      );
  }
  const missing = r.MissingContextValues ?? [];
  if (missing.length > 0) {
    lines.push(`  conditions read ${missing.join(", ")}, which the simulation was not given (add --context ${missing[0]}=VALUE)`);
  }
  return lines.join("\n");
}
