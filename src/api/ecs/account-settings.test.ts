import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ListAccountSettingsResponse, PutAccountSettingResponse } from "@aws-sdk/client-ecs";
import { startInProcessEcs, type InProcessEcs } from "../testing.js";

/** Account settings through the JSON front door in process: the real table and a real store. */
let ecs: InProcessEcs;
before(() => {
  ecs = startInProcessEcs();
});
after(() => ecs.close());

const root = "arn:aws:iam::123456789012:root";
const role = "arn:aws:iam::123456789012:role/deployer";

describe("account settings", () => {
  it("in effect for a principal: its own, else the account default, else ECS's, all eleven names over pages of at most 10", async () => {
    await ecs.send("PutAccountSettingDefault", { name: "awsvpcTrunking", value: "enabled" });
    await ecs.send("PutAccountSetting", { name: "awsvpcTrunking", value: "disabled", principalArn: role });
    await ecs.send("PutAccountSettingDefault", { name: "containerInsights", value: "enhanced" });
    const first = await ecs.send<ListAccountSettingsResponse>("ListAccountSettings", { principalArn: role, effectiveSettings: true });
    assert.equal(first.settings?.length, 10);
    assert.ok(first.nextToken);
    const second = await ecs.send<ListAccountSettingsResponse>("ListAccountSettings", { principalArn: role, effectiveSettings: true, nextToken: first.nextToken });
    const all = [...(first.settings ?? []), ...(second.settings ?? [])];
    assert.equal(second.nextToken, undefined);
    assert.deepEqual(all.map((s) => s.name), [
      "awsvpcTrunking",
      "containerInsights",
      "containerInstanceLongArnFormat",
      "defaultLogDriverMode",
      "fargateEventWindows",
      "fargateFIPSMode",
      "fargateTaskRetirementWaitPeriod",
      "guardDutyActivate",
      "serviceLongArnFormat",
      "tagResourceAuthorization",
      "taskLongArnFormat",
    ]);
    const byName = new Map(all.map((s) => [s.name, s]));
    assert.deepEqual(byName.get("awsvpcTrunking"), { name: "awsvpcTrunking", value: "disabled", principalArn: role, type: "user" }, "its own");
    assert.deepEqual(byName.get("containerInsights"), { name: "containerInsights", value: "enhanced", principalArn: root, type: "user" }, "the default");
    assert.deepEqual(byName.get("fargateTaskRetirementWaitPeriod"), { name: "fargateTaskRetirementWaitPeriod", value: "7", principalArn: role, type: "aws_managed" }, "ECS's");
  });

  it("without effectiveSettings, only what is set for the principal (the caller, root, by default)", async () => {
    const mine = await ecs.send<ListAccountSettingsResponse>("ListAccountSettings", {});
    assert.deepEqual(mine.settings?.map((s) => [s.name, s.value, s.principalArn]), [
      ["awsvpcTrunking", "enabled", root],
      ["containerInsights", "enhanced", root],
    ]);
    const filtered = await ecs.send<ListAccountSettingsResponse>("ListAccountSettings", { value: "enhanced" });
    assert.deepEqual(filtered.settings?.map((s) => s.name), ["containerInsights"]);
  });

  it("a put replaces the principal's value; each refusal names what to fix and changes nothing", async () => {
    const put = await ecs.send<PutAccountSettingResponse>("PutAccountSetting", { name: "fargateTaskRetirementWaitPeriod", value: "14" });
    assert.deepEqual(put.setting, { name: "fargateTaskRetirementWaitPeriod", value: "14", principalArn: root, type: "user" });
    const cases: [input: object, message: RegExp][] = [
      [{ name: "fargateTaskRetirementWaitPeriod", value: "3" }, /'3' is not a value of fargateTaskRetirementWaitPeriod: use one of 0, 7, 14/],
      [{ name: "serviceLongArnFormat ", value: "enabled" }, /is not an account setting name: use one of serviceLongArnFormat, /],
      [{ name: "guardDutyActivate", value: "enabled" }, /read-only/],
      [{ name: "containerInsights", value: "enabled", principalArn: "arn:aws:sts::123456789012:assumed-role/x/y" }, /is not an IAM user, role or root of account 123456789012/],
    ];
    for (const [input, message] of cases) {
      const answer = await ecs.call("PutAccountSetting", input);
      assert.deepEqual([answer.status, answer.body.__type], [400, "InvalidParameterException"], JSON.stringify(input));
      assert.match(String(answer.body.message), message);
    }
    const after = await ecs.send<ListAccountSettingsResponse>("ListAccountSettings", { name: "fargateTaskRetirementWaitPeriod" });
    assert.deepEqual(after.settings?.map((s) => s.value), ["14"]);
  });
});
