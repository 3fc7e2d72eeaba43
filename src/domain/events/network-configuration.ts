/** An awsvpc configuration as EventBridge and Scheduler pass it to RunTask. */
export interface AwsVpcConfiguration {
  readonly Subnets?: readonly string[] | undefined;
  readonly SecurityGroups?: readonly string[] | undefined;
  readonly AssignPublicIp?: string | undefined;
}

/**
 * What is wrong with a target's awsvpc configuration as ECS's model constrains it (1 to 16 subnets,
 * at most 5 security groups, AssignPublicIp ENABLED or DISABLED), or undefined. Berth stores it with
 * the target; its tasks use bridge or host networks until awsvpc arrives with Fargate.
 */
export function networkProblem(c: AwsVpcConfiguration | undefined, member: string): string | undefined {
  if (!c) return undefined;
  const subnets = c.Subnets ?? [];
  if (subnets.length < 1 || subnets.length > 16) return `${member}.Subnets must hold 1 to 16 subnets; got ${subnets.length}.`;
  if ((c.SecurityGroups?.length ?? 0) > 5) return `${member}.SecurityGroups holds at most 5 security groups.`;
  if (c.AssignPublicIp !== undefined && c.AssignPublicIp !== "ENABLED" && c.AssignPublicIp !== "DISABLED") return `${member}.AssignPublicIp must be ENABLED or DISABLED.`;
  return undefined;
}
