import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateClusterCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { clients, userWithPolicies } from "./support/iam-tools.js";

let account = "";
const clusterArn = (name: string) => `arn:aws:ecs:us-east-1:${account}:cluster/${name}`;

describe("IAM policy variables: one policy, each user their own clusters (real server, AWS CLI, SDK v3)", () => {
  let server: BerthServer;
  before(async () => {
    server = await BerthServer.start();
    account = (await clients(server).sts.send(new GetCallerIdentityCommand({}))).Account!;
    for (const name of ["alice-dev", "bob-dev", "blue-shared"]) await clients(server).ecs.send(new CreateClusterCommand({ clusterName: name }));
  });
  after(async () => {
    await server.stop();
  });

  it("a managed policy with ${aws:username} and ${aws:PrincipalTag/team} (via the AWS CLI) decides per user", async () => {
    const doc = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "ecs:List*", Resource: ["arn:aws:ecs:*:*:cluster/${aws:username}-*", "arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team, 'none'}-shared"] },
      ],
    });
    const created = await server.aws("iam", "create-policy", "--policy-name", "own-clusters", "--policy-document", doc);
    assert.equal(created.code, 0, created.stderr);
    const policyArn = (JSON.parse(created.stdout) as { Policy: { Arn: string } }).Policy.Arn;
    const alice = await userWithPolicies(server, "alice", {}, [{ Key: "team", Value: "blue" }]);
    const bob = await userWithPolicies(server, "bob", {});
    for (const user of ["alice", "bob"]) assert.equal((await server.aws("iam", "attach-user-policy", "--user-name", user, "--policy-arn", policyArn)).code, 0);

    const asAlice = clients(server, alice).ecs;
    const asBob = clients(server, bob).ecs;
    assert.deepEqual((await asAlice.send(new ListTasksCommand({ cluster: "alice-dev" }))).taskArns, []);
    assert.deepEqual((await asAlice.send(new ListTasksCommand({ cluster: "blue-shared" }))).taskArns, []);
    assert.deepEqual((await asBob.send(new ListTasksCommand({ cluster: "bob-dev" }))).taskArns, []);
    const bobOnAlice = await refusal(asBob.send(new ListTasksCommand({ cluster: "alice-dev" })));
    assert.equal(bobOnAlice.message, `User: arn:aws:iam::${account}:user/bob is not authorized to perform: ecs:ListTasks on resource: ${clusterArn("alice-dev")} because no identity-based policy allows the ecs:ListTasks action`);
    const bobOnShared = await refusal(asBob.send(new ListTasksCommand({ cluster: "blue-shared" })));
    assert.equal(bobOnShared.name, "AccessDeniedException");

    // The simulator resolves them too, and says which key it lacked for a role.
    const sim = await server.aws("iam", "simulate-principal-policy", "--policy-source-arn", `arn:aws:iam::${account}:user/alice`, "--action-names", "ecs:ListTasks", "--resource-arns", clusterArn("alice-dev"), clusterArn("bob-dev"));
    assert.equal(sim.code, 0, sim.stderr);
    assert.deepEqual((JSON.parse(sim.stdout) as { EvaluationResults: { EvalDecision: string }[] }).EvaluationResults.map((r) => r.EvalDecision), ["allowed", "implicitDeny"]);
  });
});
