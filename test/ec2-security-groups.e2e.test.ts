import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BerthServer } from "./support/berth-server.js";
import { awsAs, policyDoc, userWithPolicies } from "./support/iam-tools.js";
import { ec2, ec2Error } from "./support/security-groups.js";

type Group = { GroupId: string; GroupName: string; Description: string; VpcId: string; IpPermissions: unknown[]; IpPermissionsEgress: unknown[]; Tags: unknown[] };
const groups = (out: Record<string, unknown>): Group[] => out.SecurityGroups as Group[];

/** The EC2 security-group API on a real server, driven by the real AWS CLI (`aws ec2`, EC2's own Query protocol). */
describe("EC2 security groups through aws ec2", () => {
  let server: BerthServer;
  before(async () => {
    server = await BerthServer.start();
  });
  after(async () => {
    await server.stop();
  });

  it("creates, describes by id, name and filters, authorizes in both forms, revokes and deletes", async () => {
    const created = await ec2(server, "create-security-group", "--group-name", "api", "--description", "api tier", "--tag-specifications", "ResourceType=security-group,Tags=[{Key=team,Value=core}]");
    const id = String(created.GroupId);
    assert.match(id, /^sg-[0-9a-f]{17}$/);
    const web = String((await ec2(server, "create-security-group", "--group-name", "web", "--description", "web tier")).GroupId);

    await ec2(server, "authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "8080-8081", "--cidr", "10.1.0.0/16");
    await ec2(server, "authorize-security-group-ingress", "--group-name", "api", "--source-group", "web");
    await ec2(server, "authorize-security-group-ingress", "--group-id", id, "--ip-permissions", "IpProtocol=tcp,FromPort=8080,ToPort=8081,IpRanges=[{CidrIp=10.2.0.0/16,Description=peer}]");
    const [api] = groups(await ec2(server, "describe-security-groups", "--group-ids", id));
    // Debian's CLI (/usr/bin/aws) predates SecurityGroupArn: its model drops the member.
    assert.deepEqual(
      { ...api, IpPermissionsEgress: undefined, SecurityGroupArn: undefined },
      {
        GroupId: id,
        GroupName: "api",
        Description: "api tier",
        VpcId: api!.VpcId,
        OwnerId: "000000000000",
        SecurityGroupArn: undefined,
        Tags: [{ Key: "team", Value: "core" }],
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 8080, ToPort: 8081, UserIdGroupPairs: [], IpRanges: [{ CidrIp: "10.1.0.0/16" }, { CidrIp: "10.2.0.0/16", Description: "peer" }], Ipv6Ranges: [], PrefixListIds: [] },
          { IpProtocol: "-1", UserIdGroupPairs: [{ UserId: "000000000000", GroupId: web }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] },
        ],
        IpPermissionsEgress: undefined,
      },
    );
    assert.deepEqual(api!.IpPermissionsEgress, [{ IpProtocol: "-1", UserIdGroupPairs: [], IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [] }], "a new group may send anything out");
    assert.match(api!.VpcId, /^vpc-[0-9a-f]{17}$/);

    assert.deepEqual(groups(await ec2(server, "describe-security-groups", "--group-names", "web")).map((g) => g.GroupId), [web]);
    assert.deepEqual(groups(await ec2(server, "describe-security-groups", "--filters", "Name=group-name,Values=a*,we?")).map((g) => g.GroupName).sort(), ["api", "web"]);
    assert.deepEqual(groups(await ec2(server, "describe-security-groups", "--filters", `Name=group-id,Values=${web}`, "Name=group-name,Values=web")).map((g) => g.GroupName), ["web"]);
    assert.deepEqual(groups(await ec2(server, "describe-security-groups", "--filters", "Name=tag:team,Values=core")).map((g) => g.GroupName), ["api"]);
    assert.deepEqual(groups(await ec2(server, "describe-security-groups")).map((g) => g.GroupName).sort(), ["api", "default", "web"]);

    assert.equal((await ec2Error(server, "delete-security-group", "--group-id", web)).code, "DependencyViolation", "a rule of api names web");
    await ec2(server, "revoke-security-group-ingress", "--group-name", "api", "--source-group", "web");
    await ec2(server, "delete-security-group", "--group-id", web);
    await ec2(server, "delete-security-group", "--group-name", "api");
    assert.deepEqual(groups(await ec2(server, "describe-security-groups")).map((g) => g.GroupName), ["default"]);
  });

  it("refuses bad input with EC2's codes, and changes nothing", async () => {
    const id = String((await ec2(server, "create-security-group", "--group-name", "strict", "--description", "strict")).GroupId);
    await ec2(server, "authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8");
    const before = groups(await ec2(server, "describe-security-groups", "--group-ids", id));
    const cases: [string[], string, RegExp][] = [
      [["create-security-group", "--group-name", "strict", "--description", "again"], "InvalidGroup.Duplicate", /The security group 'strict' already exists for VPC 'vpc-/],
      [["create-security-group", "--group-name", "sg-x", "--description", "x"], "InvalidParameterValue", /sg-\*/],
      [["create-security-group", "--group-name", "x", "--description", "tier ☃"], "InvalidParameterValue", /may hold only a-z, A-Z, 0-9, spaces/],
      [["create-security-group", "--group-name", "x", "--description", "x", "--vpc-id", "vpc-0123456789abcdef0"], "InvalidVpcID.NotFound", /vpc-0123456789abcdef0/],
      [["describe-security-groups", "--group-ids", "sg-0123456789abcdef0"], "InvalidGroup.NotFound", /^The security group 'sg-0123456789abcdef0' does not exist$/],
      [["describe-security-groups", "--group-ids", "nope"], "InvalidGroupId.Malformed", /Invalid id: "nope"/],
      [["describe-security-groups", "--filters", "Name=color,Values=red"], "InvalidParameterValue", /The filter 'color' is invalid/],
      [["authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8"], "InvalidPermission.Duplicate", /already exists/],
      [["authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.300/8"], "InvalidParameterValue", /malformed/],
      [["authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "22", "--source-group", "sg-0123456789abcdef0"], "InvalidGroup.NotFound", /sg-0123456789abcdef0/],
      [["authorize-security-group-ingress", "--group-id", "sg-0123456789abcdef0", "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8"], "InvalidGroup.NotFound", /sg-0123456789abcdef0/],
      [["revoke-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "23", "--cidr", "10.0.0.0/8"], "InvalidPermission.NotFound", /does not exist in this security group/],
      [["delete-security-group", "--group-name", "default"], "CannotDelete", /cannot be deleted by a user/],
    ];
    for (const [args, code, message] of cases) {
      const e = await ec2Error(server, ...args);
      assert.equal(e.code, code, args.join(" "));
      assert.match(e.message, message, args.join(" "));
    }
    assert.deepEqual(groups(await ec2(server, "describe-security-groups", "--group-ids", id)), before);
    assert.deepEqual(groups(await ec2(server, "describe-security-groups")).map((g) => g.GroupName).sort(), ["default", "strict"]);
  });

  it("asks IAM for ec2:<Operation>, on the group's ARN where the call names one", async () => {
    const id = String(groups(await ec2(server, "describe-security-groups", "--group-names", "default"))[0]!.GroupId);
    const creds = await userWithPolicies(server, "sg-reader", { read: policyDoc({ Effect: "Allow", Action: "ec2:DescribeSecurityGroups", Resource: "*" }) });
    assert.equal((await awsAs(server, creds, "ec2", "describe-security-groups", "--group-ids", id)).code, 0);
    const denied = await awsAs(server, creds, "ec2", "authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "1", "--cidr", "10.0.0.0/8");
    assert.match(denied.stderr, /\(UnauthorizedOperation\)/);
    assert.match(denied.stderr, new RegExp(`ec2:AuthorizeSecurityGroupIngress.*security-group/${id}`));
  });
});
