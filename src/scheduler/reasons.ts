/**
 * The reasons an instance is rejected, in ECS's own words (RunTask `failures[].reason`), and the
 * phrases ECS uses for "the closest matching container-instance …" in service events.
 *
 * Sources: the ECS developer guide's "API failure reasons" page; the memberOf and distinctInstance
 * strings as ECS returns them (aws/containers-roadmap#723 quotes "DistinctInstance placement
 * constraint unsatisfied.").
 */
export const FailureReason = {
  inactive: "INACTIVE",
  draining: "DRAINING",
  agent: "AGENT",
  cpu: "RESOURCE:CPU",
  memory: "RESOURCE:MEMORY",
  ports: "RESOURCE:PORTS",
  portsUdp: "RESOURCE:PORTS_UDP",
  gpu: "RESOURCE:GPU",
  attribute: "ATTRIBUTE",
  distinctInstance: "DistinctInstance placement constraint unsatisfied.",
  memberOf: "MemberOf placement constraint unsatisfied.",
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

/**
 * "The closest matching (container-instance X) <phrase>." The first four are ECS's words; for the
 * others ECS writes `encountered error "<reason>"`.
 */
export function closestPhrase(reason: FailureReason): string {
  switch (reason) {
    case FailureReason.memory:
      return "has insufficient memory available";
    case FailureReason.cpu:
      return "has insufficient CPU units available";
    case FailureReason.ports:
    case FailureReason.portsUdp:
      return "is already using a port required by your task";
    case FailureReason.agent:
      return "doesn't have the agent connected";
    default:
      return `encountered error "${reason}"`;
  }
}
