import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ReadTx } from "../../state/store.js";
import { defaultGroupName } from "../security-groups/security-group.js";
import type { AwsvpcSettings } from "./network-configuration.js";

/**
 * An awsvpc task's security groups as ECS resolves them: each must exist (ECS asks EC2 and passes
 * EC2's answer on), and none given means the VPC's default group.
 */
export async function withSecurityGroups(tx: ReadTx, s: AwsvpcSettings): Promise<AwsvpcSettings> {
  if (s.securityGroups.length === 0) {
    const fallback = await tx.securityGroups.byName(defaultGroupName);
    return fallback ? { ...s, securityGroups: [fallback.groupId] } : s;
  }
  for (const id of s.securityGroups) {
    if (!(await tx.securityGroups.get(id))) {
      throw invalidParameter(`Error retrieving security group information for [${excerpt(id, 64)}]: The security group '${excerpt(id, 64)}' does not exist (ErrorCode: InvalidGroup.NotFound)`);
    }
  }
  return s;
}
