import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { contextEntry } from "../iam-command.js";
import { formatEvaluation } from "./simulation-output.js";

describe("berth iam simulate's words", () => {
  it("an allow names its first statement and counts the others that agreed", () => {
    const line = formatEvaluation(
      {
        EvalActionName: "ecs:ListTasks",
        EvalResourceName: "*",
        EvalDecision: "allowed",
        MatchedStatements: [
          { SourcePolicyId: "read", SourcePolicyType: "role", StartPosition: { Line: 2, Column: 5 } },
          { SourcePolicyId: "PolicyInputList.1", SourcePolicyType: "none" },
          { SourcePolicyId: "arn:aws:iam::aws:policy/ReadOnlyAccess", SourcePolicyType: "aws-managed" },
        ],
      },
      "arn:aws:iam::1:role/r",
    );
    assert.equal(line, "ecs:ListTasks on *: ALLOWED by the statement at line 2, column 5 of inline policy of the role read (and 2 more statements)");
  });

  it("a statement without a position is 'a statement'; an implicit deny names the principal", () => {
    assert.equal(
      formatEvaluation({ EvalActionName: "ecs:RunTask", EvalResourceName: "*", EvalDecision: "explicitDeny", MatchedStatements: [{ SourcePolicyId: "PolicyInputList.1", SourcePolicyType: "none" }] }, "p"),
      "ecs:RunTask on *: DENIED explicitly by a statement of given policy PolicyInputList.1",
    );
    assert.equal(formatEvaluation({ EvalActionName: "ecs:RunTask", EvalResourceName: "*", EvalDecision: "implicitDeny", MatchedStatements: [] }, "arn:aws:iam::1:user/u"), "ecs:RunTask on *: DENIED implicitly: no statement of arn:aws:iam::1:user/u's policies allows it");
    assert.equal(
      formatEvaluation({ EvalActionName: "ecs:RunTask", EvalResourceName: "*", EvalDecision: "implicitDeny", MatchedStatements: [], PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false } }, "arn:aws:iam::1:user/u"),
      "ecs:RunTask on *: DENIED implicitly: arn:aws:iam::1:user/u's permissions boundary does not allow it",
    );
  });

  it("--context KEY=VALUE[,VALUE]: one value a string, several a list; no '=' is refused saying how to write it", () => {
    assert.deepEqual(contextEntry("aws:SourceIp=10.0.0.1"), { ContextKeyName: "aws:SourceIp", ContextKeyValues: ["10.0.0.1"], ContextKeyType: "string" });
    assert.deepEqual(contextEntry("aws:TagKeys=a,b"), { ContextKeyName: "aws:TagKeys", ContextKeyValues: ["a", "b"], ContextKeyType: "stringList" });
    assert.throws(() => contextEntry("aws:SourceIp"), /expected KEY=VALUE/);
  });
});
