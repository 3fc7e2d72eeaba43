import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../errors/catalog.js";
import { requestedRules } from "./permissions.js";

const refused = (code: string, message: RegExp) => (e: unknown) => e instanceof AwsError && e.code === code && message.test(e.message);

describe("requestedRules: IpPermissions (and the legacy form) → one rule per source", () => {
  it("splits a permission into one rule per CIDR and per group, ports as given", () => {
    assert.deepEqual(
      requestedRules({
        IpPermissions: [{ IpProtocol: "tcp", FromPort: "80", ToPort: "81", IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "lan" }], Groups: [{ GroupId: "sg-0123456789abcdef0" }, { GroupName: "web" }] }],
      }),
      [
        { protocol: "tcp", fromPort: 80, toPort: 81, cidr: "10.0.0.0/8", description: "lan" },
        { protocol: "tcp", fromPort: 80, toPort: 81, group: { id: "sg-0123456789abcdef0", name: undefined }, description: undefined },
        { protocol: "tcp", fromPort: 80, toPort: 81, group: { id: undefined, name: "web" }, description: undefined },
      ],
    );
  });

  const protocols: [string, string, number, number][] = [
    ["-1", "-1", -1, -1],
    ["all", "-1", -1, -1],
    ["6", "tcp", 22, 22],
    ["17", "udp", 22, 22],
    ["UDP", "udp", 22, 22],
    ["icmp", "icmp", 22, 22],
  ];
  for (const [given, protocol, from, to] of protocols) {
    it(`protocol ${given} is ${protocol}, ports ${from}-${to}`, () => {
      const [rule] = requestedRules({ IpPermissions: [{ IpProtocol: given, FromPort: "22", ToPort: "22", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] });
      assert.deepEqual([rule?.protocol, rule?.fromPort, rule?.toPort], [protocol, from, to]);
    });
  }

  it("takes group pairs without a protocol as every protocol, as the CLI's --source-group sends them", () => {
    assert.deepEqual(requestedRules({ IpPermissions: [{ Groups: [{ GroupName: "web" }] }] }), [{ protocol: "-1", fromPort: -1, toPort: -1, group: { id: undefined, name: "web" }, description: undefined }]);
  });

  it("reads the legacy top-level form: CidrIp, and SourceSecurityGroupName (every protocol)", () => {
    assert.deepEqual(requestedRules({ IpProtocol: "tcp", FromPort: "443", ToPort: "443", CidrIp: "192.168.1.0/24" }), [{ protocol: "tcp", fromPort: 443, toPort: 443, cidr: "192.168.1.0/24", description: undefined }]);
    assert.deepEqual(requestedRules({ SourceSecurityGroupName: "web" }), [{ protocol: "-1", fromPort: -1, toPort: -1, group: { id: undefined, name: "web" }, description: undefined }]);
  });

  const refusals: [string, Record<string, unknown>, string, RegExp][] = [
    ["no permission at all", {}, "MissingParameter", /IpPermissions/],
    ["both forms", { CidrIp: "10.0.0.0/8", IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }, "InvalidParameterCombination", /cannot be used with/],
    ["no protocol", { IpPermissions: [{ IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }, "MissingParameter", /ipProtocol/],
    ["an unknown protocol", { IpPermissions: [{ IpProtocol: "sctp", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }, "InvalidParameterValue", /Unknown protocol/],
    ["tcp without ports", { IpPermissions: [{ IpProtocol: "tcp", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }, "MissingParameter", /FromPort and ToPort/],
    ["a reversed range", { IpPermissions: [{ IpProtocol: "tcp", FromPort: "90", ToPort: "80", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }, "InvalidParameterValue", /port range 90-80/],
    ["a port above 65535", { IpPermissions: [{ IpProtocol: "udp", FromPort: "1", ToPort: "65536", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }, "InvalidParameterValue", /port range/],
    ["a port that is no number", { IpPermissions: [{ IpProtocol: "udp", FromPort: "x", ToPort: "1", IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }, "InvalidParameterValue", /FromPort/],
    ["a malformed CIDR", { IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.256/8" }] }] }, "InvalidParameterValue", /malformed/],
    ["a CIDR without prefix", { IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.1" }] }] }, "InvalidParameterValue", /malformed/],
    ["no source", { IpPermissions: [{ IpProtocol: "-1" }] }, "MissingParameter", /must name a source/],
    ["an IPv6 range", { IpPermissions: [{ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] }] }, "InvalidParameterValue", /IPv6/],
    ["a group pair naming no group", { IpPermissions: [{ IpProtocol: "-1", Groups: [{ UserId: "1" }] }] }, "MissingParameter", /GroupId or GroupName/],
    ["a list where one value belongs", { IpPermissions: [{ IpProtocol: ["tcp"], IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }, "InvalidParameterValue", /one value/],
  ];
  for (const [name, params, code, message] of refusals) {
    it(`refuses ${name} with ${code}`, () => assert.throws(() => requestedRules(params), refused(code, message)));
  }
});
