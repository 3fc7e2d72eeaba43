import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { firewallView, isIpv4 } from "./firewall-view.js";
import type { SecurityGroupRecord } from "./security-group.js";

const aGroup = (groupId: string, ingress: SecurityGroupRecord["ingress"] = [], egress: SecurityGroupRecord["egress"] = []): SecurityGroupRecord => ({
  groupId,
  groupName: groupId,
  description: "",
  vpcId: "vpc-1",
  ownerId: "123456789012",
  ingress,
  egress,
  tags: [],
  createdAtMs: 0,
  version: 1,
});

describe("firewallView: groups and members → what agents enforce", () => {
  it("keeps each group's ingress and egress rules without ids or descriptions, and lists each group's member addresses once, sorted", () => {
    const view = firewallView(
      [
        aGroup("sg-b", [{ ruleId: "sgr-1", protocol: "tcp", fromPort: 80, toPort: 80, groupId: "sg-a", description: "web" }], [{ ruleId: "sgr-2", protocol: "udp", fromPort: 53, toPort: 53, cidr: "10.0.0.0/8", description: "dns" }]),
        aGroup("sg-a"),
      ],
      [
        { ip: "10.0.0.3", groups: ["sg-a", "sg-b"] },
        { ip: "10.0.0.2", groups: ["sg-a"] },
        { ip: "10.0.0.2", groups: ["sg-a"] },
      ],
    );
    assert.deepEqual(view, {
      groups: [
        { groupId: "sg-a", ingress: [], egress: [] },
        { groupId: "sg-b", ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, groupId: "sg-a" }], egress: [{ protocol: "udp", fromPort: 53, toPort: 53, cidr: "10.0.0.0/8" }] },
      ],
      members: [
        { groupId: "sg-a", ips: ["10.0.0.2", "10.0.0.3"] },
        { groupId: "sg-b", ips: ["10.0.0.3"] },
      ],
    });
  });

  it("has no members without tasks", () => assert.deepEqual(firewallView([aGroup("sg-a")], []).members, []));
});

describe("isIpv4", () => {
  for (const [s, ok] of [["10.0.0.2", true], ["255.255.255.255", true], ["0.0.0.0", true], ["256.0.0.1", false], ["10.0.0", false], ["10.0.0.2/32", false], ["-d 1.2.3.4", false], ["01.2.3.4", false]] as const) {
    it(`${s}: ${ok}`, () => assert.equal(isIpv4(s), ok));
  }
});
