import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bridgeAddress, firstHostAddress } from "./bridge-address.js";

describe("bridgeAddress: where bridge-mode containers reach the host", () => {
  const cases: Array<[string, Parameters<typeof bridgeAddress>[0], string | undefined]> = [
    ["the IPAM gateway when Docker names it", { IPAM: { Config: [{ Subnet: "172.17.0.0/16", Gateway: "172.17.0.1" }] } }, "172.17.0.1"],
    ["a named gateway even when not the first address", { IPAM: { Config: [{ Subnet: "10.9.0.0/24", Gateway: "10.9.0.254" }] } }, "10.9.0.254"],
    ["the subnet's first host when Docker leaves Gateway out (20.10)", { IPAM: { Config: [{ Subnet: "172.17.0.0/16" }] } }, "172.17.0.1"],
    ["an IPv4 subnet after an IPv6 one", { IPAM: { Config: [{ Subnet: "fd00::/64", Gateway: "fd00::1" }, { Subnet: "192.168.7.0/24" }] } }, "192.168.7.1"],
    ["nothing without IPAM config", { IPAM: { Config: null } }, undefined],
    ["nothing without IPAM", {}, undefined],
  ];
  for (const [what, network, expected] of cases) it(what, () => assert.equal(bridgeAddress(network), expected));
  it("the bridge interface's own address over a guess from the subnet, but not over Docker's gateway", () => {
    assert.equal(bridgeAddress({ IPAM: { Config: [{ Subnet: "172.17.0.0/16" }] } }, "172.17.0.42"), "172.17.0.42");
    assert.equal(bridgeAddress({ IPAM: { Config: [{ Subnet: "172.17.0.0/16", Gateway: "172.17.0.1" }] } }, "172.17.0.42"), "172.17.0.1");
  });
});

describe("firstHostAddress", () => {
  const cases: Array<[string, string | undefined]> = [
    ["172.17.0.0/16", "172.17.0.1"],
    ["172.17.5.9/16", "172.17.0.1"],
    ["10.0.0.0/8", "10.0.0.1"],
    ["192.168.1.128/25", "192.168.1.129"],
    ["192.168.1.0/31", undefined],
    ["300.1.1.0/24", undefined],
    ["fd00::/64", undefined],
    ["not a subnet", undefined],
  ];
  for (const [subnet, expected] of cases) it(`${subnet} → ${String(expected)}`, () => assert.equal(firstHostAddress(subnet), expected));
});
