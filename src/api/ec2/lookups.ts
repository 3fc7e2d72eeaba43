import { AwsError } from "../../errors/catalog.js";
import type { SecurityGroupRecord } from "../../domain/security-groups/security-group.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ReadTx } from "../../state/store.js";
import { optString, type Params } from "./params.js";

const groupIdPattern = /^sg-[0-9a-f]{8,17}$/;

/** EC2's refusal of an id that is not an `sg-` id at all. */
export function checkGroupId(id: string): string {
  if (!groupIdPattern.test(id)) throw new AwsError("InvalidGroupId.Malformed", `Invalid id: "${excerpt(id, 64)}" (expecting "sg-...")`);
  return id;
}

export const groupNotFound = (id: string): AwsError => new AwsError("InvalidGroup.NotFound", `The security group '${excerpt(id, 64)}' does not exist`);

/** The group a call names by GroupId or GroupName (one of them), or EC2's error. */
export async function namedGroup(tx: ReadTx, p: Params, vpcId: string): Promise<SecurityGroupRecord> {
  const id = optString(p, "GroupId");
  const name = optString(p, "GroupName");
  if (id !== undefined) {
    const g = await tx.securityGroups.get(checkGroupId(id));
    if (!g) throw groupNotFound(id);
    return g;
  }
  if (name === undefined || name === "") throw new AwsError("MissingParameter", "The request must contain the parameter groupName or groupId");
  const g = await tx.securityGroups.byName(name);
  if (!g) throw new AwsError("InvalidGroup.NotFound", `The security group '${excerpt(name, 255)}' does not exist in default VPC '${vpcId}'`);
  return g;
}
