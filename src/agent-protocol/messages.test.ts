import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseFrame, serverMessage } from "./messages.js";

const frame = (group: Record<string, unknown>): string => JSON.stringify({ type: "firewall", view: { groups: [{ groupId: "sg-a", ingress: [], ...group }], members: [] } });
const groupsOf = (text: string) => {
  const msg = parseFrame(serverMessage, text);
  assert.equal(msg.type, "firewall");
  return msg.type === "firewall" ? msg.view.groups : [];
};

describe("the `firewall` message as an agent reads it", () => {
  it("reads a group without egress (a server from before egress was enforced) as allowing everything out", () => {
    assert.deepEqual(groupsOf(frame({})), [{ groupId: "sg-a", ingress: [], egress: [{ protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0" }] }]);
  });

  it("keeps the egress a server sends, none included", () => {
    assert.deepEqual(groupsOf(frame({ egress: [] }))[0]?.egress, []);
    assert.deepEqual(groupsOf(frame({ egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, groupId: "sg-b" }] }))[0]?.egress, [{ protocol: "tcp", fromPort: 443, toPort: 443, groupId: "sg-b" }]);
  });

  for (const [name, egress] of [
    ["a CIDR that is not one", [{ protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0 -j ACCEPT" }]],
    ["an unknown protocol", [{ protocol: "sctp", fromPort: 1, toPort: 1, cidr: "10.0.0.0/8" }]],
    ["a port out of range", [{ protocol: "tcp", fromPort: 1, toPort: 70000, cidr: "10.0.0.0/8" }]],
    ["a group id that is not one", [{ protocol: "tcp", fromPort: 1, toPort: 1, groupId: "sg-a; rm" }]],
    ["egress that is not a list", { protocol: "-1" }],
  ] as const) {
    it(`refuses egress with ${name}`, () => assert.throws(() => parseFrame(serverMessage, frame({ egress }))));
  }
});
