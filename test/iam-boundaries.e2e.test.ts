import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateClusterCommand, DeleteClusterCommand, ListClustersCommand } from "@aws-sdk/client-ecs";
import { SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { clients, policyDoc, userWithPolicies, type Creds } from "./support/iam-tools.js";

let account = "";

describe("IAM permissions boundaries: the effective permissions are the intersection (real server, AWS CLI, SDK v3)", () => {
  let server: BerthServer;
  let dev: Creds;
  let boundaryArn = "";
  const json = async (...args: string[]) => {
    const out = await server.aws(...args);
    assert.equal(out.code, 0, out.stderr);
    return (out.stdout.trim() === "" ? {} : JSON.parse(out.stdout)) as Record<string, Record<string, unknown>>;
  };
  before(async () => {
    server = await BerthServer.start();
    account = (await clients(server).sts.send(new GetCallerIdentityCommand({}))).Account!;
    dev = await userWithPolicies(server, "dev", { all: policyDoc({ Effect: "Allow", Action: "ecs:*", Resource: "*" }) });
    const created = await json(
      "iam", "create-policy", "--policy-name", "read-only-ecs",
      "--policy-document", policyDoc({ Effect: "Allow", Action: ["ecs:List*", "ecs:Describe*", "ecs:DeleteCluster"], Resource: "*" }, { Effect: "Deny", Action: "ecs:DeleteCluster", Resource: "*" }),
    );
    boundaryArn = String(created.Policy!.Arn);
  });
  after(async () => {
    await server.stop();
  });

  it("a user's boundary keeps only what both allow; its explicit deny wins; removing it restores the policies' reach", async () => {
    const { ecs } = clients(server, dev);
    await ecs.send(new CreateClusterCommand({ clusterName: "before" }));
    await json("iam", "put-user-permissions-boundary", "--user-name", "dev", "--permissions-boundary", boundaryArn);
    assert.deepEqual((await json("iam", "get-user", "--user-name", "dev")).User!.PermissionsBoundary, { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: boundaryArn });
    assert.equal((await json("iam", "get-policy", "--policy-arn", boundaryArn)).Policy!.PermissionsBoundaryUsageCount, 1);

    assert.ok((await ecs.send(new ListClustersCommand({}))).clusterArns?.some((a) => a.endsWith("/before")));
    const create = await refusal(ecs.send(new CreateClusterCommand({ clusterName: "after" })));
    assert.equal(create.name, "AccessDeniedException");
    assert.equal(create.message, `User: arn:aws:iam::${account}:user/dev is not authorized to perform: ecs:CreateCluster on resource: * because no permissions boundary allows the ecs:CreateCluster action`);
    const del = await refusal(ecs.send(new DeleteClusterCommand({ cluster: "before" })));
    assert.equal(del.message, `User: arn:aws:iam::${account}:user/dev is not authorized to perform: ecs:DeleteCluster on resource: arn:aws:ecs:us-east-1:${account}:cluster/before with an explicit deny in a permissions boundary`);

    const sim = await clients(server).iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${account}:user/dev`, ActionNames: ["ecs:ListClusters", "ecs:CreateCluster", "ecs:DeleteCluster"] }));
    assert.deepEqual(
      sim.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary, r.MatchedStatements?.map((s) => s.SourcePolicyId)]),
      [
        ["ecs:ListClusters", "allowed", true, ["all"]],
        ["ecs:CreateCluster", "implicitDeny", false, []],
        ["ecs:DeleteCluster", "explicitDeny", false, [boundaryArn]],
      ],
    );

    const inUse = await server.aws("iam", "delete-policy", "--policy-arn", boundaryArn);
    assert.match(inUse.stderr, /\(DeleteConflict\) when calling the DeletePolicy operation: Cannot delete a policy attached to entities\./);

    await json("iam", "delete-user-permissions-boundary", "--user-name", "dev");
    assert.equal((await json("iam", "get-user", "--user-name", "dev")).User!.PermissionsBoundary, undefined);
    await ecs.send(new CreateClusterCommand({ clusterName: "after" }));
    const again = await server.aws("iam", "delete-user-permissions-boundary", "--user-name", "dev");
    assert.match(again.stderr, /\(NoSuchEntity\) when calling the DeleteUserPermissionsBoundary operation: The user with name dev has no permissions boundary\./);
  });

  it("roles take a boundary too; a boundary naming no policy is NoSuchEntity and changes nothing", async () => {
    const trust = policyDoc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
    await json("iam", "create-role", "--role-name", "app", "--assume-role-policy-document", trust);
    await json("iam", "put-role-permissions-boundary", "--role-name", "app", "--permissions-boundary", boundaryArn);
    assert.deepEqual((await json("iam", "get-role", "--role-name", "app")).Role!.PermissionsBoundary, { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: boundaryArn });
    const missing = await server.aws("iam", "put-role-permissions-boundary", "--role-name", "app", "--permissions-boundary", `arn:aws:iam::${account}:policy/nope`);
    assert.match(missing.stderr, /\(NoSuchEntity\) when calling the PutRolePermissionsBoundary operation: Policy arn:aws:iam::\d+:policy\/nope does not exist or is not attachable\./);
    assert.equal(((await json("iam", "get-role", "--role-name", "app")).Role!.PermissionsBoundary as Record<string, string>).PermissionsBoundaryArn, boundaryArn);
  });

  it("CreateUser and CreateRole take --permissions-boundary (it must name a policy; a refused create leaves no user)", async () => {
    const created = await json("iam", "create-user", "--user-name", "bounded", "--permissions-boundary", boundaryArn);
    assert.equal((created.User!.PermissionsBoundary as Record<string, string>).PermissionsBoundaryArn, boundaryArn);
    const bad = await server.aws("iam", "create-user", "--user-name", "ghost", "--permissions-boundary", `arn:aws:iam::${account}:policy/nope`);
    assert.match(bad.stderr, /\(NoSuchEntity\) when calling the CreateUser operation: Policy arn:aws:iam::\d+:policy\/nope does not exist or is not attachable\./);
    const ghost = await server.aws("iam", "get-user", "--user-name", "ghost");
    assert.match(ghost.stderr, /\(NoSuchEntity\)/);
    const trust = policyDoc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
    const role = await json("iam", "create-role", "--role-name", "bounded-role", "--assume-role-policy-document", trust, "--permissions-boundary", boundaryArn);
    assert.equal((role.Role!.PermissionsBoundary as Record<string, string>).PermissionsBoundaryArn, boundaryArn);
  });
});
