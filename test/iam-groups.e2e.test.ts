import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateClusterCommand, ListClustersCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { awsAs, clients, policyDoc, userWithPolicies, type Creds } from "./support/iam-tools.js";

let account = "";
const clusterArn = (name: string) => `arn:aws:ecs:us-east-1:${account}:cluster/${name}`;

describe("IAM groups: a user's groups' policies count in what it may do (real server, AWS CLI, SDK v3)", () => {
  let server: BerthServer;
  let dev: Creds;
  const aws = (...args: string[]) => server.aws(...args);
  const json = async (...args: string[]) => {
    const out = await aws(...args);
    assert.equal(out.code, 0, out.stderr);
    return (out.stdout.trim() === "" ? {} : JSON.parse(out.stdout)) as Record<string, unknown>;
  };
  before(async () => {
    server = await BerthServer.start();
    account = (await clients(server).sts.send(new GetCallerIdentityCommand({}))).Account!;
    await clients(server).ecs.send(new CreateClusterCommand({ clusterName: "a" }));
    dev = await userWithPolicies(server, "dev", {});
  });
  after(async () => {
    await server.stop();
  });

  it("a user allowed only through a group (inline, then managed): allowed while a member, denied in IAM's words once removed", async () => {
    const created = await json("iam", "create-group", "--group-name", "readers", "--path", "/team/");
    assert.deepEqual(
      [(created.Group as Record<string, string>).Arn, /^AGPA[A-Z2-7]{17}$/.test((created.Group as Record<string, string>).GroupId!)],
      [`arn:aws:iam::${account}:group/team/readers`, true],
    );
    const { ecs } = clients(server, dev);
    const before = await refusal(ecs.send(new ListTasksCommand({ cluster: "a" })));
    assert.equal(before.name, "AccessDeniedException");

    await json("iam", "put-group-policy", "--group-name", "readers", "--policy-name", "list-a", "--policy-document", policyDoc({ Effect: "Allow", Action: "ecs:List*", Resource: clusterArn("a") }));
    await json("iam", "add-user-to-group", "--group-name", "readers", "--user-name", "dev");
    assert.deepEqual((await ecs.send(new ListTasksCommand({ cluster: "a" }))).taskArns, []);
    const otherAction = await refusal(ecs.send(new ListClustersCommand({})));
    assert.equal(otherAction.message, `User: arn:aws:iam::${account}:user/dev is not authorized to perform: ecs:ListClusters on resource: * because no identity-based policy allows the ecs:ListClusters action`);

    // A managed policy attached to the group counts as well.
    const policy = await json("iam", "create-policy", "--policy-name", "clusters", "--policy-document", policyDoc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }));
    const policyArn = (policy.Policy as Record<string, string>).Arn!;
    await json("iam", "attach-group-policy", "--group-name", "readers", "--policy-arn", policyArn);
    assert.ok((await ecs.send(new ListClustersCommand({}))).clusterArns?.includes(clusterArn("a")));
    const attached = await json("iam", "list-attached-group-policies", "--group-name", "readers");
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: "clusters", PolicyArn: policyArn }]);
    assert.equal(((await json("iam", "get-policy", "--policy-arn", policyArn)).Policy as Record<string, number>).AttachmentCount, 1);

    // The simulator sees the group's statements, typed as IAM types them.
    const sim = await json("iam", "simulate-principal-policy", "--policy-source-arn", `arn:aws:iam::${account}:user/dev`, "--action-names", "ecs:ListTasks", "ecs:ListClusters", "--resource-arns", clusterArn("a"));
    assert.deepEqual(
      (sim.EvaluationResults as { EvalDecision: string; MatchedStatements: { SourcePolicyId: string; SourcePolicyType: string }[] }[]).map((r) => [r.EvalDecision, r.MatchedStatements.map((s) => `${s.SourcePolicyType}:${s.SourcePolicyId}`)]),
      [
        ["allowed", ["group:list-a"]],
        ["allowed", ["group:list-a", `user-managed:${policyArn}`]],
      ],
    );

    await json("iam", "remove-user-from-group", "--group-name", "readers", "--user-name", "dev");
    const after = await refusal(ecs.send(new ListTasksCommand({ cluster: "a" })));
    assert.equal(after.message, `User: arn:aws:iam::${account}:user/dev is not authorized to perform: ecs:ListTasks on resource: ${clusterArn("a")} because no identity-based policy allows the ecs:ListTasks action`);
  });

  it("GetGroup lists its users, ListGroupsForUser the user's groups; DeleteGroup and DeleteUser are DeleteConflict while members or policies remain", async () => {
    await json("iam", "create-group", "--group-name", "ops");
    await json("iam", "create-user", "--user-name", "solo");
    await json("iam", "add-user-to-group", "--group-name", "ops", "--user-name", "solo");
    await json("iam", "add-user-to-group", "--group-name", "ops", "--user-name", "dev");
    await json("iam", "add-user-to-group", "--group-name", "ops", "--user-name", "dev");
    const got = await json("iam", "get-group", "--group-name", "ops");
    assert.deepEqual((got.Users as { UserName: string }[]).map((u) => u.UserName), ["dev", "solo"]);
    assert.equal((got.Group as Record<string, string>).GroupName, "ops");
    const forUser = await json("iam", "list-groups-for-user", "--user-name", "dev");
    assert.deepEqual((forUser.Groups as { GroupName: string }[]).map((g) => g.GroupName), ["ops"]);
    assert.deepEqual(((await json("iam", "list-groups")).Groups as { GroupName: string }[]).map((g) => g.GroupName), ["ops", "readers"]);

    const busy = await aws("iam", "delete-group", "--group-name", "ops");
    assert.match(busy.stderr, /\(DeleteConflict\) when calling the DeleteGroup operation: Cannot delete entity, must remove users from group first\./);
    const userBusy = await aws("iam", "delete-user", "--user-name", "solo");
    assert.match(userBusy.stderr, /\(DeleteConflict\) when calling the DeleteUser operation: Cannot delete entity, must remove user from all groups first\./);
    const withPolicy = await aws("iam", "delete-group", "--group-name", "readers");
    assert.match(withPolicy.stderr, /\(DeleteConflict\) when calling the DeleteGroup operation: Cannot delete entity, must delete policies first\./);
    const notMember = await aws("iam", "remove-user-from-group", "--group-name", "readers", "--user-name", "dev");
    assert.match(notMember.stderr, /\(NoSuchEntity\) when calling the RemoveUserFromGroup operation: The user with name dev is not a member of group readers\./);
    const noGroup = await aws("iam", "get-group", "--group-name", "nope");
    assert.match(noGroup.stderr, /\(NoSuchEntity\) when calling the GetGroup operation: The group with name nope cannot be found\./);
    const dup = await aws("iam", "create-group", "--group-name", "OPS");
    assert.match(dup.stderr, /\(EntityAlreadyExists\) when calling the CreateGroup operation: Group with name OPS already exists\./);

    await json("iam", "remove-user-from-group", "--group-name", "ops", "--user-name", "dev");
    await json("iam", "remove-user-from-group", "--group-name", "ops", "--user-name", "solo");
    await json("iam", "delete-user", "--user-name", "solo");
    await json("iam", "delete-group", "--group-name", "ops");
    assert.deepEqual(((await json("iam", "list-groups")).Groups as { GroupName: string }[]).map((g) => g.GroupName), ["readers"]);
  });

  it("group calls are authorized like any other: a user without iam:AddUserToGroup on the group is AccessDenied and membership is unchanged", async () => {
    const self = await awsAs(server, dev, "iam", "add-user-to-group", "--group-name", "readers", "--user-name", "dev");
    assert.notEqual(self.code, 0);
    assert.match(self.stderr, new RegExp(`\\(AccessDenied\\).*user/dev is not authorized to perform: iam:AddUserToGroup on resource: arn:aws:iam::${account}:group/readers because`));
    const got = await json("iam", "get-group", "--group-name", "readers");
    assert.deepEqual(got.Users, []);
  });
});
