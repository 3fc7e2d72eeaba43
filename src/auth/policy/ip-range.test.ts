import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { addressBytes, ipRange } from "./ip-range.js";

describe("CIDR ranges for aws:SourceIp", () => {
  const cases: [string, string, boolean][] = [
    ["10.0.0.0/8", "10.255.1.2", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["192.168.1.0/25", "192.168.1.127", true],
    ["192.168.1.0/25", "192.168.1.128", false],
    ["203.0.113.7", "203.0.113.7", true],
    ["203.0.113.7", "203.0.113.8", false],
    ["0.0.0.0/0", "8.8.8.8", true],
    ["127.0.0.1/32", "::ffff:127.0.0.1", true],
    ["2001:db8::/32", "2001:db8:1::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["::1/128", "::1", true],
    ["::1/128", "127.0.0.1", false],
    ["fe80::/10", "febf::1", true],
    ["fe80::/10", "fec0::1", false],
  ];
  for (const [cidr, address, inside] of cases) {
    it(`${address} is ${inside ? "in" : "outside"} ${cidr}`, () => {
      const bytes = addressBytes(address);
      assert.ok(bytes);
      assert.equal(ipRange(cidr)!(bytes), inside);
    });
  }
  it("refuses what is not a range", () => {
    for (const bad of ["10.0.0.0/33", "10.0.0/8", "::1/129", "x", "1.2.3.4/-1", "1.2.3.4/"]) assert.equal(ipRange(bad), undefined, bad);
    assert.equal(addressBytes("not-an-ip"), undefined);
  });
});
