import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hostBindingOf, sharesHostPorts, type HostBinding } from "./host-ports.js";
import { hostIdAttribute, hostIpAttribute } from "./types.js";

const on = (hostId: string | undefined, address: string): HostBinding => ({ hostId, address });

void describe("sharesHostPorts: same engine, and the same address or a wildcard one", () => {
  const cases: ReadonlyArray<[string, HostBinding, HostBinding, boolean]> = [
    ["one engine, both on all addresses", on("e1", "0.0.0.0"), on("e1", "0.0.0.0"), true],
    ["one engine, the same specific address", on("e1", "127.0.0.2"), on("e1", "127.0.0.2"), true],
    ["one engine, two specific addresses", on("e1", "127.0.0.2"), on("e1", "127.0.0.3"), false],
    ["one engine, all addresses and a specific one", on("e1", "0.0.0.0"), on("e1", "127.0.0.3"), true],
    ["one engine, a specific address and all of them", on("e1", "127.0.0.2"), on("e1", "0.0.0.0"), true],
    ["one engine, IPv6's wildcard and a specific address", on("e1", "::"), on("e1", "127.0.0.2"), true],
    ["two engines, both on all addresses", on("e1", "0.0.0.0"), on("e2", "0.0.0.0"), false],
    ["two engines, the same specific address", on("e1", "127.0.0.2"), on("e2", "127.0.0.2"), false],
    ["no engine id on either side (each alone on its host)", on(undefined, "0.0.0.0"), on(undefined, "0.0.0.0"), false],
    ["an engine id on one side only", on("e1", "0.0.0.0"), on(undefined, "0.0.0.0"), false],
  ];
  for (const [name, a, b, expected] of cases) {
    void it(`${name}: ${expected ? "shared" : "separate"}`, () => {
      assert.equal(sharesHostPorts(a, b), expected);
      assert.equal(sharesHostPorts(b, a), expected, "the rule is symmetric");
    });
  }
});

void describe("hostBindingOf: the instance's attributes", () => {
  void it("reads berth.host-id and berth.host-ip", () => {
    assert.deepEqual(hostBindingOf(new Map([[hostIdAttribute, "e1"], [hostIpAttribute, "127.0.0.2"]])), on("e1", "127.0.0.2"));
  });
  void it("an instance without berth.host-ip (an agent from before it was reported) binds all addresses", () => {
    assert.deepEqual(hostBindingOf(new Map([[hostIdAttribute, "e1"]])), on("e1", "0.0.0.0"));
  });
  void it("without berth.host-id the instance is on a host of its own", () => {
    assert.deepEqual(hostBindingOf(new Map<string, string | null>([[hostIpAttribute, "127.0.0.2"]])), on(undefined, "127.0.0.2"));
  });
});
