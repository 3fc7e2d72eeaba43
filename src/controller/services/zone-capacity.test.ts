import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ZoneCapacity } from "./zone-capacity.js";

const instance = (arn: string, zone: string | undefined, o: { status?: "ACTIVE" | "DRAINING" | "INACTIVE"; agentConnected?: boolean } = {}) => ({
  arn,
  cluster: "c",
  status: o.status ?? "ACTIVE",
  agentConnected: o.agentConnected ?? true,
  attributes: zone === undefined ? [] : [{ name: "ecs.availability-zone", value: zone }],
});

describe("ZoneCapacity: which changes give a zone capacity again", () => {
  it("the first connected ACTIVE instance of a zone opens it; a second one, or one elsewhere already open, does not", () => {
    const zones = new ZoneCapacity();
    assert.equal(zones.update(instance("a1", "us-east-1a")), true);
    assert.equal(zones.update(instance("a2", "us-east-1a")), false);
    assert.equal(zones.update(instance("a1", "us-east-1a")), false, "the same instance again");
    assert.equal(zones.update(instance("x", undefined)), false, "no zone");
  });

  it("a zone whose only instance lost its agent, drained or went opens again when one comes back", () => {
    const zones = new ZoneCapacity();
    zones.update(instance("b1", "us-east-1b"));
    for (const away of [{ agentConnected: false }, { status: "DRAINING" as const }, { status: "INACTIVE" as const }]) {
      assert.equal(zones.update(instance("b1", "us-east-1b", away)), false);
      assert.equal(zones.update(instance("b1", "us-east-1b")), true);
    }
    zones.update(instance("b2", "us-east-1b"));
    assert.equal(zones.update(instance("b1", "us-east-1b", { agentConnected: false })), false);
    assert.equal(zones.update(instance("b1", "us-east-1b")), false, "b2 kept the zone open");
  });
});
