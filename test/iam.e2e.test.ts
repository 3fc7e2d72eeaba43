import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CreateClusterCommand, DescribeClustersCommand, ListClustersCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserPolicyCommand,
  ListAttachedUserPoliciesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  SimulatePrincipalPolicyCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { awsAs, clients, policyDoc, userWithPolicies, type Creds } from "./support/iam-tools.js";

let account = "";
const region = "us-east-1";
const clusterArn = (name: string) => `arn:aws:ecs:${region}:${account}:cluster/${name}`;

describe("IAM: users, policies and roles decide what every call may do (real server, SDK v3 and AWS CLI)", () => {
  let server: BerthServer;
  let ci: Creds;
  before(async () => {
    server = await BerthServer.start();
    account = (await clients(server).sts.send(new GetCallerIdentityCommand({}))).Account!;
    const { ecs } = clients(server);
    for (const name of ["a", "b"]) await ecs.send(new CreateClusterCommand({ clusterName: name }));
    ci = await userWithPolicies(server, "ci", {
      "read-a": policyDoc({ Sid: "ReadClusterA", Effect: "Allow", Action: ["ecs:Describe*", "ecs:List*"], Resource: clusterArn("a") }),
    });
  });
  after(async () => {
    await server.stop();
  });

  it("acceptance 1: Describe*/List* on cluster A lists A's tasks; RunTask on A and anything on B are AccessDenied in AWS's words", async () => {
    const { ecs } = clients(server, ci);
    const listed = await ecs.send(new ListTasksCommand({ cluster: "a" }));
    assert.deepEqual(listed.taskArns, []);
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ["a"] }));
    assert.equal(described.clusters?.[0]?.clusterName, "a");

    const run = await refusal(ecs.send(new RunTaskCommand({ cluster: "a", taskDefinition: "web:1" })));
    assert.equal(run.name, "AccessDeniedException");
    assert.equal(run.status, 403);
    assert.equal(
      run.message,
      `User: arn:aws:iam::${account}:user/ci is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:${region}:${account}:task-definition/web:1 because no identity-based policy allows the ecs:RunTask action`,
    );
    const onB = await refusal(ecs.send(new ListTasksCommand({ cluster: "b" })));
    assert.equal(onB.message, `User: arn:aws:iam::${account}:user/ci is not authorized to perform: ecs:ListTasks on resource: ${clusterArn("b")} because no identity-based policy allows the ecs:ListTasks action`);
    const describeB = await refusal(ecs.send(new DescribeClustersCommand({ clusters: ["b"] })));
    assert.equal(describeB.name, "AccessDeniedException");

    // The real AWS CLI sees the same: the listing works, the refusal carries IAM's message.
    const cliList = await awsAs(server, ci, "ecs", "list-tasks", "--cluster", "a");
    assert.equal(cliList.code, 0, cliList.stderr);
    assert.deepEqual(JSON.parse(cliList.stdout), { taskArns: [] });
    const cliRun = await awsAs(server, ci, "ecs", "run-task", "--cluster", "a", "--task-definition", "web:1");
    assert.notEqual(cliRun.code, 0);
    assert.match(cliRun.stderr, new RegExp(`An error occurred \\(AccessDeniedException\\) when calling the RunTask operation: User: arn:aws:iam::${account}:user/ci is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:${account}:task-definition/web:1 because no identity-based policy allows the ecs:RunTask action`));
    const cliB = await awsAs(server, ci, "ecs", "list-tasks", "--cluster", "b");
    assert.match(cliB.stderr, new RegExp(`AccessDeniedException.*ecs:ListTasks on resource: arn:aws:ecs:us-east-1:${account}:cluster/b`));
  });

  it("the root credential keeps full access, and IAM itself is authorized: ci may not create users", async () => {
    const root = clients(server);
    assert.ok((await root.ecs.send(new ListClustersCommand({}))).clusterArns?.includes(clusterArn("b")));
    const denied = await refusal(clients(server, ci).iam.send(new ListUsersCommand({})));
    assert.equal(denied.name, "AccessDenied");
    assert.match(denied.message, /user\/ci is not authorized to perform: iam:ListUsers on resource: \* because no identity-based policy allows the iam:ListUsers action/);
  });

  it("acceptance 4: an explicit deny beats an allow (managed allow-all attached, inline deny on A)", async () => {
    const root = clients(server);
    const ops = await userWithPolicies(server, "ops", { "no-tasks-on-a": policyDoc({ Effect: "Deny", Action: "ecs:ListTasks", Resource: clusterArn("a") }) });
    const { Policy } = await root.iam.send(new CreatePolicyCommand({ PolicyName: "ecs-all", PolicyDocument: policyDoc({ Effect: "Allow", Action: "ecs:*", Resource: "*" }) }));
    await root.iam.send(new AttachUserPolicyCommand({ UserName: "ops", PolicyArn: Policy!.Arn! }));
    const attached = await root.iam.send(new ListAttachedUserPoliciesCommand({ UserName: "ops" }));
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: "ecs-all", PolicyArn: `arn:aws:iam::${account}:policy/ecs-all` }]);

    const { ecs } = clients(server, ops);
    assert.deepEqual((await ecs.send(new ListTasksCommand({ cluster: "b" }))).taskArns, []);
    const denied = await refusal(ecs.send(new ListTasksCommand({ cluster: "a" })));
    assert.equal(denied.name, "AccessDeniedException");
    assert.equal(denied.message, `User: arn:aws:iam::${account}:user/ops is not authorized to perform: ecs:ListTasks on resource: ${clusterArn("a")} with an explicit deny in an identity-based policy`);

    // The simulator names the statement that decided.
    const sim = await root.iam.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${account}:user/ops`, ActionNames: ["ecs:ListTasks"], ResourceArns: [clusterArn("a"), clusterArn("b")] }),
    );
    assert.deepEqual(
      sim.EvaluationResults?.map((r) => [r.EvalResourceName, r.EvalDecision, r.MatchedStatements?.[0]?.SourcePolicyId]),
      [
        [clusterArn("a"), "explicitDeny", "no-tasks-on-a"],
        [clusterArn("b"), "allowed", `arn:aws:iam::${account}:policy/ecs-all`],
      ],
    );
  });

  it("acceptance 4: a condition on aws:SourceIp holds (127.0.0.1 allowed, a 10/8-only policy does not match)", async () => {
    const local = await userWithPolicies(server, "local", {
      p: policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": ["127.0.0.0/8", "::1/128"] } } }),
    });
    const remote = await userWithPolicies(server, "remote", {
      p: policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }),
    });
    assert.ok((await clients(server, local).ecs.send(new ListClustersCommand({}))).clusterArns?.includes(clusterArn("a")));
    const denied = await refusal(clients(server, remote).ecs.send(new ListClustersCommand({})));
    assert.equal(denied.name, "AccessDeniedException");
    assert.match(denied.message, /user\/remote is not authorized to perform: ecs:ListClusters on resource: \*/);
  });

  it("acceptance 4: a malformed policy is refused with MalformedPolicyDocument and changes nothing", async () => {
    const root = clients(server);
    const noResource = await refusal(root.iam.send(new PutUserPolicyCommand({ UserName: "ci", PolicyName: "bad", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecs:*" }] }) })));
    assert.deepEqual([noResource.name, noResource.message, noResource.status], ["MalformedPolicyDocumentException", "Policy statement must contain resources.", 400]);
    const cli = await server.aws("iam", "create-policy", "--policy-name", "broken", "--policy-document", "{not json");
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /An error occurred \(MalformedPolicyDocument\) when calling the CreatePolicy operation: Syntax errors in policy\./);
    const missing = await refusal(root.iam.send(new GetUserPolicyCommand({ UserName: "ci", PolicyName: "bad" })));
    assert.deepEqual([missing.name, missing.message, missing.status], ["NoSuchEntityException", "The user policy with name bad cannot be found.", 404]);
    const kept = await root.iam.send(new GetUserPolicyCommand({ UserName: "ci", PolicyName: "read-a" }));
    assert.deepEqual(JSON.parse(decodeURIComponent(kept.PolicyDocument!)), JSON.parse(policyDoc({ Sid: "ReadClusterA", Effect: "Allow", Action: ["ecs:Describe*", "ecs:List*"], Resource: clusterArn("a") })));
  });

  it("acceptance 4: AssumeRole honours the trust policy; the session's credentials carry the role's policies", async () => {
    const root = clients(server);
    const trust = policyDoc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:user/ci` }, Action: "sts:AssumeRole" });
    const { Role } = await root.iam.send(new CreateRoleCommand({ RoleName: "deployer", AssumeRolePolicyDocument: trust }));
    assert.equal(Role?.Arn, `arn:aws:iam::${account}:role/deployer`);
    assert.deepEqual(JSON.parse(decodeURIComponent((await root.iam.send(new GetRoleCommand({ RoleName: "deployer" }))).Role!.AssumeRolePolicyDocument!)), JSON.parse(trust));
    await root.iam.send(new PutRolePolicyCommand({ RoleName: "deployer", PolicyName: "list", PolicyDocument: policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }) }));

    const badTrust = await refusal(root.iam.send(new CreateRoleCommand({ RoleName: "ghost", AssumeRolePolicyDocument: policyDoc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:user/nobody` }, Action: "sts:AssumeRole" }) })));
    assert.deepEqual([badTrust.name, badTrust.message], ["MalformedPolicyDocumentException", `Invalid principal in policy: "AWS":"arn:aws:iam::${account}:user/nobody"`]);

    const assumed = await clients(server, ci).sts.send(new AssumeRoleCommand({ RoleArn: Role.Arn, RoleSessionName: "build-42", DurationSeconds: 900 }));
    const c = assumed.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(c.SessionToken && c.SessionToken.length > 100);
    const lifetime = c.Expiration!.getTime() - Date.now();
    assert.ok(lifetime > 800_000 && lifetime <= 900_000, `expires in ${lifetime} ms`);
    assert.equal(assumed.AssumedRoleUser?.Arn, `arn:aws:sts::${account}:assumed-role/deployer/build-42`);

    const session: Creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
    const who = await clients(server, session).sts.send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Arn, who.UserId], [`arn:aws:sts::${account}:assumed-role/deployer/build-42`, `${Role.RoleId}:build-42`]);
    assert.ok((await clients(server, session).ecs.send(new ListClustersCommand({}))).clusterArns?.length);
    const run = await refusal(clients(server, session).ecs.send(new RunTaskCommand({ cluster: "a", taskDefinition: "web:1" })));
    assert.match(run.message, new RegExp(`^User: arn:aws:sts::${account}:assumed-role/deployer/build-42 is not authorized to perform: ecs:RunTask`));
    const cliWho = await awsAs(server, session, "sts", "get-caller-identity");
    assert.equal(cliWho.code, 0, cliWho.stderr);
    assert.equal((JSON.parse(cliWho.stdout) as { Arn: string }).Arn, `arn:aws:sts::${account}:assumed-role/deployer/build-42`);

    // Without its token, or with another, the session key is no good.
    const forged = await refusal(clients(server, { ...session, sessionToken: "x".repeat(128) }).ecs.send(new ListClustersCommand({})));
    assert.equal(forged.name, "UnrecognizedClientException");
    const tokenless = await refusal(clients(server, { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).sts.send(new GetCallerIdentityCommand({})));
    assert.equal(tokenless.name, "InvalidClientTokenId");

    // A user the trust policy does not name cannot assume the role, even with sts:AssumeRole in its own policy.
    const dev = await userWithPolicies(server, "dev", { p: policyDoc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }) });
    const refused = await refusal(clients(server, dev).sts.send(new AssumeRoleCommand({ RoleArn: Role.Arn, RoleSessionName: "x1" })));
    assert.deepEqual([refused.name, refused.message], ["AccessDenied", `User: arn:aws:iam::${account}:user/dev is not authorized to perform: sts:AssumeRole on resource: ${Role.Arn}`]);
  });

  it("an access key made inactive stops working at once; secrets are not in the database in clear", async () => {
    const temp = await userWithPolicies(server, "temp", { p: policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }) });
    assert.ok((await clients(server, temp).ecs.send(new ListClustersCommand({}))).clusterArns);
    await clients(server).iam.send(new UpdateAccessKeyCommand({ UserName: "temp", AccessKeyId: temp.accessKeyId, Status: "Inactive" }));
    const refused = await refusal(clients(server, temp).ecs.send(new ListClustersCommand({})));
    assert.equal(refused.name, "UnrecognizedClientException");

    // The database and its write-ahead log, as a thief of the disk would read them.
    const bytes = Buffer.concat(readdirSync(server.dataDir).filter((f) => f.startsWith("berth.db")).map((f) => readFileSync(join(server.dataDir, f))));
    assert.equal(bytes.includes(Buffer.from(ci.accessKeyId)), true, "the scan finds what is stored (the key id)");
    for (const secret of [ci.secretAccessKey, temp.secretAccessKey]) assert.equal(bytes.includes(Buffer.from(secret)), false, "a secret is stored in clear");
  });

  it("managed policy versions: a new default version changes what the attached user may do", async () => {
    const root = clients(server);
    const { Policy } = await root.iam.send(new CreatePolicyCommand({ PolicyName: "lister", PolicyDocument: policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }) }));
    const v = await root.iam.send(new GetPolicyVersionCommand({ PolicyArn: Policy!.Arn!, VersionId: "v1" }));
    assert.equal(v.PolicyVersion?.IsDefaultVersion, true);
    const cli = await server.aws("iam", "create-policy-version", "--policy-arn", Policy!.Arn!, "--policy-document", policyDoc({ Effect: "Deny", Action: "ecs:ListClusters", Resource: "*" }), "--set-as-default");
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { PolicyVersion: { VersionId: string; IsDefaultVersion: boolean } }).PolicyVersion.VersionId, "v2");
    const user = await userWithPolicies(server, "versioned", {});
    await root.iam.send(new AttachUserPolicyCommand({ UserName: "versioned", PolicyArn: Policy!.Arn! }));
    const refused = await refusal(clients(server, user).ecs.send(new ListClustersCommand({})));
    assert.match(refused.message, /with an explicit deny in an identity-based policy$/);

    // SetDefaultPolicyVersion rolls back to v1: the user may list again at once.
    const back = await server.aws("iam", "set-default-policy-version", "--policy-arn", Policy!.Arn!, "--version-id", "v1");
    assert.equal(back.code, 0, back.stderr);
    assert.equal((await root.iam.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn! }))).Policy?.DefaultVersionId, "v1");
    assert.ok((await clients(server, user).ecs.send(new ListClustersCommand({}))).clusterArns);
    const unknown = await refusal(root.iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: Policy!.Arn!, VersionId: "v7" })));
    assert.deepEqual([unknown.name, unknown.status], ["NoSuchEntityException", 404]);
    const malformed = await refusal(root.iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: Policy!.Arn!, VersionId: "2" })));
    assert.deepEqual([malformed.name, malformed.status], ["ValidationError", 400]);
    assert.equal((await root.iam.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn! }))).Policy?.DefaultVersionId, "v1", "a refused call changes nothing");
  });

  it("iam:PassRole is needed to name a task role in a task definition or a RunTask override", async () => {
    const roleArn = `arn:aws:iam::${account}:role/app-task`;
    const trust = policyDoc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
    await clients(server).iam.send(new CreateRoleCommand({ RoleName: "app-task", AssumeRolePolicyDocument: trust }));
    const register = policyDoc({ Effect: "Allow", Action: ["ecs:RegisterTaskDefinition", "ecs:RunTask"], Resource: "*" });
    const noPass = await userWithPolicies(server, "no-pass", { p: register });
    const withPass = await userWithPolicies(server, "with-pass", { p: register, pass: policyDoc({ Effect: "Allow", Action: "iam:PassRole", Resource: roleArn }) });
    const definition = { family: "with-role", taskRoleArn: roleArn, containerDefinitions: [{ name: "app", image: "berth-test:latest", memory: 64 }] };

    const refused = await refusal(clients(server, noPass).ecs.send(new RegisterTaskDefinitionCommand(definition)));
    assert.deepEqual(
      [refused.name, refused.message],
      ["AccessDeniedException", `User: arn:aws:iam::${account}:user/no-pass is not authorized to perform: iam:PassRole on resource: ${roleArn} because no identity-based policy allows the iam:PassRole action`],
    );
    const registered = await clients(server, withPass).ecs.send(new RegisterTaskDefinitionCommand(definition));
    assert.equal(registered.taskDefinition?.taskRoleArn, roleArn);
    assert.equal(registered.taskDefinition?.registeredBy, `arn:aws:iam::${account}:user/with-pass`);
    const override = await refusal(
      clients(server, noPass).ecs.send(new RunTaskCommand({ cluster: "a", taskDefinition: "with-role", overrides: { executionRoleArn: roleArn } })),
    );
    assert.match(override.message, /iam:PassRole on resource: arn:aws:iam::\d{12}:role\/app-task/);
  });
});
