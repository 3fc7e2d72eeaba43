import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  DeleteAccountSettingCommand,
  DiscoverPollEndpointCommand,
  ExecuteCommandCommand,
  ContinueServiceDeploymentCommand,
  ListServicesByNamespaceCommand,
  ListAccountSettingsCommand,
  PutAccountSettingCommand,
  PutAccountSettingDefaultCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";

describe("every operation of ECS's model answers: account settings, DiscoverPollEndpoint, documented refusals", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let root = "";
  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    root = `arn:aws:iam::${(await server.aws("sts", "get-caller-identity")).stdout.match(/"Account": "(\d+)"/)?.[1]}:root`;
  });
  after(() => server.stop());

  it("account settings: put for a user, default for the account, listed as set or as in effect, deleted", async () => {
    const user = root.replace(":root", ":user/ci");
    const put = await ecs.send(new PutAccountSettingCommand({ name: "containerInsights", value: "enhanced", principalArn: user }));
    assert.deepEqual(put.setting, { name: "containerInsights", value: "enhanced", principalArn: user, type: "user" });
    const def = await ecs.send(new PutAccountSettingDefaultCommand({ name: "awsvpcTrunking", value: "enabled" }));
    assert.deepEqual(def.setting, { name: "awsvpcTrunking", value: "enabled", principalArn: root, type: "user" });

    const set = await ecs.send(new ListAccountSettingsCommand({ principalArn: user }));
    assert.deepEqual(set.settings, [{ name: "containerInsights", value: "enhanced", principalArn: user, type: "user" }]);
    const effective = (await ecs.send(new ListAccountSettingsCommand({ principalArn: user, effectiveSettings: true }))).settings ?? [];
    assert.deepEqual(effective.find((s) => s.name === "containerInsights"), { name: "containerInsights", value: "enhanced", principalArn: user, type: "user" });
    assert.deepEqual(effective.find((s) => s.name === "awsvpcTrunking"), { name: "awsvpcTrunking", value: "enabled", principalArn: root, type: "user" });
    assert.deepEqual(effective.find((s) => s.name === "fargateFIPSMode"), { name: "fargateFIPSMode", value: "disabled", principalArn: user, type: "aws_managed" });
    const one = await ecs.send(new ListAccountSettingsCommand({ name: "awsvpcTrunking", effectiveSettings: true }));
    assert.deepEqual(one.settings?.map((s) => [s.name, s.value]), [["awsvpcTrunking", "enabled"]]);

    const gone = await ecs.send(new DeleteAccountSettingCommand({ name: "containerInsights", principalArn: user }));
    assert.equal(gone.setting?.value, "enhanced");
    assert.deepEqual((await ecs.send(new ListAccountSettingsCommand({ principalArn: user }))).settings, []);
  });

  it("account settings: a bad name, value or principal, and a read-only setting, are InvalidParameterException and change nothing", async () => {
    const before = await ecs.send(new ListAccountSettingsCommand({}));
    for (const call of [
      new PutAccountSettingCommand({ name: "containerInsights", value: "sometimes" }),
      new PutAccountSettingCommand({ name: "guardDutyActivate", value: "enabled" }),
      new PutAccountSettingCommand({ name: "containerInsights", value: "enabled", principalArn: "arn:aws:iam::999999999999:user/x" }),
      new PutAccountSettingDefaultCommand({ name: "noSuchSetting" as "containerInsights", value: "enabled" }),
      new DeleteAccountSettingCommand({ name: "taskLongArnFormat" }),
    ]) {
      const r = await refusal(ecs.send(call as PutAccountSettingCommand));
      assert.equal(r.name, "InvalidParameterException", r.message);
      assert.equal(r.status, 400);
    }
    assert.deepEqual(await ecs.send(new ListAccountSettingsCommand({})).then((r) => r.settings), before.settings);
  });

  it("the account's containerInsights is the default of new clusters (AWS CLI)", async () => {
    const def = await server.aws("ecs", "put-account-setting-default", "--name", "containerInsights", "--value", "enabled");
    assert.equal(def.code, 0, def.stderr);
    const created = await ecs.send(new CreateClusterCommand({ clusterName: "insightful" }));
    assert.deepEqual(created.cluster?.settings, [{ name: "containerInsights", value: "enabled" }]);
    const overridden = await ecs.send(new CreateClusterCommand({ clusterName: "plain", settings: [{ name: "containerInsights", value: "disabled" }] }));
    assert.deepEqual(overridden.cluster?.settings, [{ name: "containerInsights", value: "disabled" }]);
    const listed = await server.aws("ecs", "list-account-settings", "--effective-settings", "--name", "containerInsights");
    assert.match(listed.stdout, /"value": "enabled"/);
    assert.doesNotMatch(listed.stdout, /"value": "disabled"/);
  });

  it("DiscoverPollEndpoint answers the server's own endpoint", async () => {
    const out = await ecs.send(new DiscoverPollEndpointCommand({ cluster: "default" }));
    assert.equal(out.endpoint, `${server.endpoint}/`);
    assert.equal(out.telemetryEndpoint, `${server.endpoint}/`);
    const cli = await server.aws("ecs", "discover-poll-endpoint");
    assert.match(cli.stdout, new RegExp(`"endpoint": "${server.endpoint}/"`));
  });

  it("an operation Berth does not offer is refused with the exception ECS declares for it, saying so and why", async () => {
    const hooks = await refusal(ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: "arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/1", hookId: "h" })));
    assert.equal(hooks.name, "UnsupportedFeatureException");
    assert.equal(hooks.status, 400);
    assert.match(hooks.message, /^ContinueServiceDeployment is not offered by Berth: deployment lifecycle hooks run AWS Lambda functions, which Berth does not have: .* \(see docs\/compatibility\.md\)\.$/);
    // The ECS agent's state reports: Berth takes them only from its own agent, over the agent channel.
    const submit = await server.aws("ecs", "submit-task-state-change", "--cluster", "default", "--task", "t", "--status", "RUNNING");
    assert.equal(submit.code, 254);
    assert.match(submit.stderr, /\(ClientException\).*SubmitTaskStateChange is not offered by Berth: .*agent channel/);
    const byNamespace = await refusal(ecs.send(new ListServicesByNamespaceCommand({ namespace: "ns" })));
    assert.equal(byNamespace.name, "ClientException");
    assert.match(byNamespace.message, /^ListServicesByNamespace is not offered by Berth: Berth has no Service Connect/);
    const exec = await refusal(ecs.send(new ExecuteCommandCommand({ cluster: "default", task: "t", command: "sh", interactive: true })));
    assert.equal(exec.name, "ClientException");
    assert.match(exec.message, /^ExecuteCommand is not offered by Berth: .*docker exec/);
    const cli = await server.aws("ecs", "update-container-agent", "--container-instance", "ci");
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /\(ClientException\).*UpdateContainerAgent is not offered by Berth: Berth's agent is updated with Berth itself/);
  });

  it("a malformed request to a refused operation is told what is wrong with it first", async () => {
    const r = await refusal(ecs.send(new ContinueServiceDeploymentCommand({} as never)));
    assert.equal(r.name, "InvalidParameterException");
  });
});
