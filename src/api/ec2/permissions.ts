import { AwsError } from "../../errors/catalog.js";
import type { IpProtocol, SecurityGroupRule } from "../../domain/security-groups/security-group.js";
import { excerpt } from "../../observability/excerpt.js";
import { invalidValue, optInt, optString, structList, type Params } from "./params.js";

/** A rule as the request names it: its source group by id or by name, resolved by the handler. */
export type RequestedRule = Omit<SecurityGroupRule, "ruleId" | "groupId"> & { readonly group?: { readonly id?: string | undefined; readonly name?: string | undefined } };

const protocols: Readonly<Record<string, IpProtocol>> = { tcp: "tcp", "6": "tcp", udp: "udp", "17": "udp", icmp: "icmp", "1": "icmp", "-1": "-1", all: "-1" };

const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const cidrPattern = new RegExp(`^${octet}(\\.${octet}){3}/([0-9]|[12]\\d|3[0-2])$`);

/**
 * The rules of Authorize/RevokeSecurityGroupIngress (and Egress): `IpPermissions.N` with
 * IpProtocol, FromPort/ToPort, `IpRanges.M.CidrIp` and `Groups.M.GroupId` (UserIdGroupPairs), or
 * the legacy top-level form (IpProtocol, FromPort, ToPort, CidrIp, SourceSecurityGroupName). One
 * rule per source, as EC2 stores them.
 */
export function requestedRules(p: Params): RequestedRule[] {
  const permissions = structList(p, "IpPermissions");
  const legacy = ["IpProtocol", "FromPort", "ToPort", "CidrIp", "SourceSecurityGroupName"].some((k) => p[k] !== undefined);
  if (permissions.length > 0 && legacy) {
    throw new AwsError("InvalidParameterCombination", "The parameter IpPermissions cannot be used with IpProtocol, FromPort, ToPort, CidrIp or SourceSecurityGroupName.");
  }
  if (legacy) {
    const cidr = optString(p, "CidrIp");
    const sourceName = optString(p, "SourceSecurityGroupName");
    const ipProtocol = optString(p, "IpProtocol") ?? (sourceName !== undefined ? "-1" : undefined);
    return rulesOf({ IpProtocol: ipProtocol, FromPort: p.FromPort, ToPort: p.ToPort, IpRanges: cidr === undefined ? undefined : [{ CidrIp: cidr }], Groups: sourceName === undefined ? undefined : [{ GroupName: sourceName }] });
  }
  if (permissions.length === 0) throw new AwsError("MissingParameter", "The request must contain the parameter IpPermissions");
  return permissions.flatMap(rulesOf);
}

function rulesOf(perm: Params): RequestedRule[] {
  // `aws ec2 authorize-security-group-ingress --source-group X` sends group pairs without a protocol: all traffic from the group, as EC2 takes it.
  const groupsOnly = structList(perm, "Groups").length > 0 && structList(perm, "IpRanges").length === 0;
  const raw = optString(perm, "IpProtocol") ?? (groupsOnly ? "-1" : undefined);
  if (raw === undefined) throw new AwsError("MissingParameter", "The request must contain the parameter ipProtocol");
  const protocol = protocols[raw.toLowerCase()];
  if (protocol === undefined) throw invalidValue(`Invalid value '${excerpt(raw, 40)}' for IP protocol. Unknown protocol: Berth takes tcp, udp, icmp and -1 (all).`);
  const [fromPort, toPort] = portsOf(protocol, optInt(perm, "FromPort"), optInt(perm, "ToPort"));
  if (structList(perm, "Ipv6Ranges").length > 0 || structList(perm, "PrefixListIds").length > 0) {
    throw invalidValue("Berth's security groups take IPv4 ranges (IpRanges) and security groups (UserIdGroupPairs) as sources; IPv6 ranges and prefix lists are not served.");
  }
  const ranges = structList(perm, "IpRanges").map((r): RequestedRule => {
    const cidr = optString(r, "CidrIp");
    if (cidr === undefined || !cidrPattern.test(cidr)) throw invalidValue(`CIDR block ${excerpt(cidr ?? "", 60)} is malformed: write it as a.b.c.d/n.`);
    return { protocol, fromPort, toPort, cidr, description: optString(r, "Description") };
  });
  const groups = structList(perm, "Groups").map((g): RequestedRule => {
    const id = optString(g, "GroupId");
    const name = optString(g, "GroupName");
    if (id === undefined && name === undefined) throw new AwsError("MissingParameter", "A UserIdGroupPair must name a group: GroupId or GroupName.");
    return { protocol, fromPort, toPort, group: { id, name }, description: optString(g, "Description") };
  });
  const rules = [...ranges, ...groups];
  if (rules.length === 0) throw new AwsError("MissingParameter", "Each of IpPermissions must name a source: IpRanges (CidrIp) or UserIdGroupPairs (GroupId).");
  return rules;
}

/** Ports as EC2 keeps them: -1/-1 for every protocol; a range within 0-65535 for tcp and udp; ICMP's type and code, -1 for any. */
function portsOf(protocol: IpProtocol, from: number | undefined, to: number | undefined): [number, number] {
  if (protocol === "-1") return [-1, -1];
  if (protocol === "icmp") {
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255 || code < -1 || code > 255) throw invalidValue(`Invalid ICMP type/code ${type}/${code}: each from -1 (any) to 255.`);
    return [type, code];
  }
  if (from === undefined || to === undefined) throw new AwsError("MissingParameter", `The request must contain the parameters FromPort and ToPort for protocol ${protocol}.`);
  if (from < 0 || to > 65535 || from > to) throw invalidValue(`Invalid ${protocol.toUpperCase()} port range ${from}-${to}: FromPort and ToPort from 0 to 65535, FromPort not above ToPort.`);
  return [from, to];
}

/** EC2's description of a rule in its duplicate and not-found messages. */
export const ruleText = (r: { protocol: IpProtocol; fromPort: number; toPort: number; cidr?: string | undefined; groupId?: string | undefined }): string =>
  `peer: ${r.cidr ?? r.groupId ?? ""}, ${r.protocol === "-1" ? "ALL" : r.protocol.toUpperCase()}, from port: ${r.fromPort}, to port: ${r.toPort}, ALLOW`;
