import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  RemoveUserFromGroupCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { berthBin, BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { awsAs, clients, policyDoc, userWithPolicies } from "./support/iam-tools.js";

const run = promisify(execFile);
let account = "";
const clusterArn = (name: string) => `arn:aws:ecs:us-east-1:${account}:cluster/${name}`;

/** The inline policy's text as stored: one statement a line, so the positions are easy to read. */
const readA = () => `{"Version": "2012-10-17",\n "Statement": [\n  {"Sid": "ReadA", "Effect": "Allow", "Action": ["ecs:Describe*", "ecs:List*"], "Resource": "${clusterArn("a")}"},\n  {"Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}\n ]\n}`;

describe("IAM policy simulator: SimulatePrincipalPolicy, SimulateCustomPolicy and `berth iam simulate` (real server, AWS CLI, SDK v3)", () => {
  let server: BerthServer;
  const userArn = () => `arn:aws:iam::${account}:user/dev`;
  before(async () => {
    server = await BerthServer.start();
    account = (await clients(server).sts.send(new GetCallerIdentityCommand({}))).Account!;
    const { iam } = clients(server);
    await userWithPolicies(server, "dev", { "read-a": readA() });
    const managed = await iam.send(
      new CreatePolicyCommand({ PolicyName: "no-prod", PolicyDocument: policyDoc({ Sid: "NoProd", Effect: "Deny", Action: "ecs:*", Resource: clusterArn("prod") }) }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName: "dev", PolicyArn: managed.Policy!.Arn! }));
  });
  after(async () => {
    await server.stop();
  });

  it("aws iam simulate-principal-policy: the decision per action and resource, the statements that made it with their positions in the policy text", async () => {
    const out = await server.aws(
      "iam", "simulate-principal-policy", "--policy-source-arn", userArn(),
      "--action-names", "ecs:ListTasks", "ecs:StopTask",
      "--resource-arns", clusterArn("a"), clusterArn("prod"),
    );
    assert.equal(out.code, 0, out.stderr);
    const results = (JSON.parse(out.stdout) as { EvaluationResults: { EvalActionName: string; EvalResourceName: string; EvalDecision: string; MatchedStatements: unknown[]; MissingContextValues: string[] }[] }).EvaluationResults;
    assert.deepEqual(
      results.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision]),
      [
        ["ecs:ListTasks", clusterArn("a"), "allowed"],
        ["ecs:ListTasks", clusterArn("prod"), "explicitDeny"],
        ["ecs:StopTask", clusterArn("a"), "implicitDeny"],
        ["ecs:StopTask", clusterArn("prod"), "explicitDeny"],
      ],
    );
    assert.deepEqual(results[0]!.MatchedStatements, [{ SourcePolicyId: "read-a", SourcePolicyType: "user", StartPosition: { Line: 3, Column: 3 }, EndPosition: { Line: 3, Column: readA().split("\n")[2]!.lastIndexOf("}") + 1 } }]);
    assert.deepEqual(results[1]!.MatchedStatements, [
      { SourcePolicyId: `arn:aws:iam::${account}:policy/no-prod`, SourcePolicyType: "user-managed", StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: policyDoc({ Sid: "NoProd", Effect: "Deny", Action: "ecs:*", Resource: clusterArn("prod") }).length - 2 } },
    ]);
    assert.deepEqual(results[2]!.MatchedStatements, []);
    assert.deepEqual(results[0]!.MissingContextValues, []);
  });

  it("context: a condition's key that was not given is a MissingContextValue; given as a ContextEntry, it decides (SDK v3)", async () => {
    const { iam } = clients(server);
    const lacking = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: userArn(), ActionNames: ["ecs:RunTask"], ResourceArns: [clusterArn("a")] }));
    assert.deepEqual(
      lacking.EvaluationResults?.map((r) => [r.EvalDecision, r.MissingContextValues]),
      [["implicitDeny", ["aws:SourceIp"]]],
    );
    const inside = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: userArn(),
        ActionNames: ["ecs:RunTask"],
        ResourceArns: [clusterArn("a")],
        ContextEntries: [{ ContextKeyName: "aws:SourceIp", ContextKeyValues: ["10.1.2.3"], ContextKeyType: "ip" }],
      }),
    );
    assert.deepEqual(inside.EvaluationResults?.map((r) => [r.EvalDecision, r.MatchedStatements?.[0]?.StartPosition?.Line, r.MissingContextValues]), [["allowed", 4, []]]);
    const outside = await iam.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: userArn(), ActionNames: ["ecs:RunTask"], ContextEntries: [{ ContextKeyName: "aws:SourceIp", ContextKeyValues: ["192.0.2.1"], ContextKeyType: "ip" }] }),
    );
    assert.deepEqual(outside.EvaluationResults?.map((r) => [r.EvalResourceName, r.EvalDecision]), [["*", "implicitDeny"]]);
  });

  it("a role's policies, a PolicyInputList added to them, an unknown principal, and pages of MaxItems with a Marker", async () => {
    const { iam } = clients(server);
    const trust = policyDoc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
    const role = await iam.send(new CreateRoleCommand({ RoleName: "lister", AssumeRolePolicyDocument: trust }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "lister", PolicyName: "list", PolicyDocument: policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }) }));
    const extra = policyDoc({ Effect: "Deny", Action: "ecs:ListClusters", Resource: "*" });
    const first = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: role.Role!.Arn!, ActionNames: ["ecs:ListClusters", "ecs:RunTask"], MaxItems: 1 }));
    assert.deepEqual([first.IsTruncated, first.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision, r.MatchedStatements?.[0]?.SourcePolicyType])], [true, [["ecs:ListClusters", "allowed", "role"]]]);
    const second = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: role.Role!.Arn!, ActionNames: ["ecs:ListClusters", "ecs:RunTask"], MaxItems: 1, Marker: first.Marker! }));
    assert.deepEqual([second.IsTruncated, second.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision])], [false, [["ecs:RunTask", "implicitDeny"]]]);
    const withExtra = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: role.Role!.Arn!, ActionNames: ["ecs:ListClusters"], PolicyInputList: [extra] }));
    assert.deepEqual(withExtra.EvaluationResults?.[0]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType]), [["PolicyInputList.1", "none"]]);
    const unknown = await refusal(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${account}:user/nobody`, ActionNames: ["ecs:ListClusters"] })));
    assert.deepEqual([unknown.name, unknown.status], ["NoSuchEntityException", 404]);
    const badMarker = await refusal(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: userArn(), ActionNames: ["ecs:ListClusters"], Marker: "999" })));
    assert.deepEqual([badMarker.name, badMarker.status], ["InvalidInputException", 400]);
  });

  it("a group as PolicySourceArn: its own inline and managed policies are simulated (not its members'), typed group; a member's simulation includes them", async () => {
    const { iam } = clients(server);
    const group = await iam.send(new CreateGroupCommand({ GroupName: "deployers" }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: "deployers", PolicyName: "run", PolicyDocument: policyDoc({ Effect: "Allow", Action: "ecs:RunTask", Resource: "*" }) }));
    const managed = await iam.send(new CreatePolicyCommand({ PolicyName: "deployers-no-b", PolicyDocument: policyDoc({ Effect: "Deny", Action: "ecs:*", Resource: clusterArn("b") }) }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: "deployers", PolicyArn: managed.Policy!.Arn! }));
    await iam.send(new AddUserToGroupCommand({ GroupName: "deployers", UserName: "dev" }));
    const asGroup = await iam.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: group.Group!.Arn!, ActionNames: ["ecs:RunTask", "ecs:ListTasks"], ResourceArns: [clusterArn("a"), clusterArn("b")] }),
    );
    assert.deepEqual(
      asGroup.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision, r.MatchedStatements?.map((m) => [m.SourcePolicyId, m.SourcePolicyType])]),
      [
        ["ecs:RunTask", clusterArn("a"), "allowed", [["run", "group"]]],
        ["ecs:RunTask", clusterArn("b"), "explicitDeny", [[managed.Policy!.Arn!, "user-managed"]]],
        // The member's own read-a allows this one; the group's policies alone do not.
        ["ecs:ListTasks", clusterArn("a"), "implicitDeny", []],
        ["ecs:ListTasks", clusterArn("b"), "explicitDeny", [[managed.Policy!.Arn!, "user-managed"]]],
      ],
    );
    const asMember = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: userArn(), ActionNames: ["ecs:RunTask", "ecs:ListTasks"], ResourceArns: [clusterArn("a")] }));
    assert.deepEqual(
      asMember.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision, r.MatchedStatements?.[0]?.SourcePolicyType]),
      [
        ["ecs:RunTask", "allowed", "group"],
        ["ecs:ListTasks", "allowed", "user"],
      ],
    );
    const cli = await server.aws("iam", "simulate-principal-policy", "--policy-source-arn", group.Group!.Arn!, "--action-names", "ecs:RunTask");
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { EvaluationResults: { EvalDecision: string }[] }).EvaluationResults[0]!.EvalDecision, "allowed");
    const unknown = await refusal(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${account}:group/nobody`, ActionNames: ["ecs:ListClusters"] })));
    assert.deepEqual([unknown.name, unknown.status], ["NoSuchEntityException", 404]);
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: "deployers", UserName: "dev" }));
  });

  it("aws iam simulate-custom-policy: only the given policies, explicit deny over allow; a malformed one is InvalidInput and a bad context type a ValidationError", async () => {
    const allow = policyDoc({ Effect: "Allow", Action: "ecs:*", Resource: "*" });
    const deny = policyDoc({ Effect: "Deny", Action: "ecs:RunTask", Resource: "*" });
    const out = await server.aws("iam", "simulate-custom-policy", "--policy-input-list", allow, deny, "--action-names", "ecs:RunTask", "ecs:ListTasks");
    assert.equal(out.code, 0, out.stderr);
    const results = (JSON.parse(out.stdout) as { EvaluationResults: { EvalActionName: string; EvalDecision: string; MatchedStatements: { SourcePolicyId: string }[] }[] }).EvaluationResults;
    assert.deepEqual(
      results.map((r) => [r.EvalActionName, r.EvalDecision, r.MatchedStatements.map((s) => s.SourcePolicyId)]),
      [
        ["ecs:RunTask", "explicitDeny", ["PolicyInputList.2"]],
        ["ecs:ListTasks", "allowed", ["PolicyInputList.1"]],
      ],
    );
    const malformed = await server.aws("iam", "simulate-custom-policy", "--policy-input-list", policyDoc({ Effect: "Allow", Action: "ecs:*" }), "--action-names", "ecs:RunTask");
    assert.notEqual(malformed.code, 0);
    assert.match(malformed.stderr, /\(InvalidInput\) when calling the SimulateCustomPolicy operation: PolicyInputList\.1: Policy statement must contain resources\./);
    const { iam } = clients(server);
    const badType = await refusal(iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [allow], ActionNames: ["ecs:RunTask"], ContextEntries: [{ ContextKeyName: "aws:SourceIp", ContextKeyValues: ["1.2.3.4"], ContextKeyType: "address" as "ip" }] })));
    assert.deepEqual([badType.name, badType.status], ["ValidationError", 400]);
  });

  it("a user without iam:SimulatePrincipalPolicy is refused in IAM's words; one allowed it may simulate", async () => {
    const nobody = await userWithPolicies(server, "nobody", { p: policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }) });
    const denied = await awsAs(server, nobody, "iam", "simulate-principal-policy", "--policy-source-arn", userArn(), "--action-names", "ecs:ListTasks");
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, new RegExp(`\\(AccessDenied\\).*user/nobody is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${userArn()} because`));
    const auditor = await userWithPolicies(server, "auditor", { p: policyDoc({ Effect: "Allow", Action: "iam:SimulatePrincipalPolicy", Resource: userArn() }) });
    const allowed = await awsAs(server, auditor, "iam", "simulate-principal-policy", "--policy-source-arn", userArn(), "--action-names", "ecs:ListTasks", "--resource-arns", clusterArn("a"));
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /"EvalDecision": "allowed"/);
  });

  it("berth iam simulate: the decision and the deciding statement in plain words", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: server.accessKey.accessKeyId, AWS_SECRET_ACCESS_KEY: server.accessKey.secretAccessKey, AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_CONFIG_FILE: "/dev/null" };
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    const { stdout } = await run(
      process.execPath,
      [berthBin, "iam", "simulate", "--endpoint-url", server.endpoint, "--region", "us-east-1", "--principal", userArn(), "--action", "ecs:ListTasks", "--action", "ecs:RunTask", "--resource", clusterArn("a"), "--resource", clusterArn("prod")],
      { env },
    );
    assert.equal(
      stdout,
      [
        `ecs:ListTasks on ${clusterArn("a")}: ALLOWED by the statement at line 3, column 3 of inline policy of the user read-a`,
        `ecs:ListTasks on ${clusterArn("prod")}: DENIED explicitly by the statement at line 1, column 38 of managed policy arn:aws:iam::${account}:policy/no-prod`,
        `ecs:RunTask on ${clusterArn("a")}: DENIED implicitly: no statement of ${userArn()}'s policies allows it`,
        `  conditions read aws:SourceIp, which the simulation was not given (add --context aws:SourceIp=VALUE)`,
        `ecs:RunTask on ${clusterArn("prod")}: DENIED explicitly by the statement at line 1, column 38 of managed policy arn:aws:iam::${account}:policy/no-prod`,
        `  conditions read aws:SourceIp, which the simulation was not given (add --context aws:SourceIp=VALUE)`,
        "",
      ].join("\n"),
    );
    const given = await run(process.execPath, [berthBin, "iam", "simulate", "--endpoint-url", server.endpoint, "--principal", userArn(), "--action", "ecs:RunTask", "--context", "aws:SourceIp=10.9.9.9"], { env });
    assert.equal(given.stdout, `ecs:RunTask on *: ALLOWED by the statement at line 4, column 3 of inline policy of the user read-a\n`);
  });
});
