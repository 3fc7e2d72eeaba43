/**
 * Which kind of number a model member holds. The SDK's schemas mark every number alike (numeric
 * schema 1), but the service models do not: most numbers are Integers (signed 32-bit), a few are
 * Longs or Doubles. This table names the Long and Double members of the services Berth serves,
 * taken from the botocore models (`ecs/2014-11-13`, `ecr/2015-09-21` at 0e6e240); every other
 * number is an Integer. A member missing here is checked as an Integer, so a new Long in a future
 * model shows up as a refused request, not as a silently accepted out-of-range value
 * (number-kinds.test.ts checks that every entry names a member the SDK's schemas still have).
 *
 * Why refuse at all: AWS's JSON front end truncates a fraction and clamps an Integer to 2^31 − 1
 * without a word (the behaviour emulators reproduce: kinesalite, dynalite). Storing a value other
 * than the one sent is worse than saying no, so Berth refuses with SerializationException, the
 * exception AWS uses for a value its type cannot hold.
 */

export type NumberKind = "integer" | "long" | "double";

/** `namespace#Structure.member` → kind, for members that are not Integers. */
export const nonIntegerMembers: Readonly<Record<string, Exclude<NumberKind, "integer">>> = {
  // ECS
  "com.amazonaws.ecs#Resource.longValue": "long",
  "com.amazonaws.ecs#Resource.doubleValue": "double",
  "com.amazonaws.ecs#Scale.value": "double",
  "com.amazonaws.ecs#CanaryConfiguration.canaryPercent": "double",
  "com.amazonaws.ecs#LinearConfiguration.stepPercent": "double",
  "com.amazonaws.ecs#DaemonDeploymentConfiguration.drainPercent": "double",
  "com.amazonaws.ecs#MemoryGiBPerVCpuRequest.min": "double",
  "com.amazonaws.ecs#MemoryGiBPerVCpuRequest.max": "double",
  "com.amazonaws.ecs#NetworkBandwidthGbpsRequest.min": "double",
  "com.amazonaws.ecs#NetworkBandwidthGbpsRequest.max": "double",
  "com.amazonaws.ecs#TotalLocalStorageGBRequest.min": "double",
  "com.amazonaws.ecs#TotalLocalStorageGBRequest.max": "double",
  // ECR (the registry's layer uploads pass 2 GiB in these)
  "com.amazonaws.ecr#UploadLayerPartRequest.partFirstByte": "long",
  "com.amazonaws.ecr#UploadLayerPartRequest.partLastByte": "long",
  // CloudWatch Logs (logs/2014-03-28: Timestamp is a Long of epoch milliseconds)
  "com.amazonaws.cloudwatchlogs#InputLogEvent.timestamp": "long",
  "com.amazonaws.cloudwatchlogs#GetLogEventsRequest.startTime": "long",
  "com.amazonaws.cloudwatchlogs#GetLogEventsRequest.endTime": "long",
  "com.amazonaws.cloudwatchlogs#FilterLogEventsRequest.startTime": "long",
  "com.amazonaws.cloudwatchlogs#FilterLogEventsRequest.endTime": "long",
};

/** The kind of number `member` of `structure` (its name with namespace) holds. */
export const numberKind = (structure: string | undefined, member: string | undefined): NumberKind =>
  nonIntegerMembers[`${structure ?? ""}.${member ?? ""}`] ?? "integer";

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 } as const;
/**
 * 2^63 itself is let through: JSON numbers are doubles here, and 9223372036854775807 (the largest
 * Long) parses to 2^63, so refusing 2^63 would refuse a valid Long.
 */
const int64 = { min: -(2 ** 63), max: 2 ** 63 } as const;

/** What `value` should have been for a member of `kind`, or undefined when it fits. */
export function numberProblem(kind: NumberKind, value: number): string | undefined {
  if (kind === "double") return undefined;
  const range = kind === "integer" ? int32 : int64;
  if (Number.isInteger(value) && value >= range.min && value <= range.max) return undefined;
  const upper = kind === "integer" ? "2147483647" : "9223372036854775807";
  const lower = kind === "integer" ? "-2147483648" : "-9223372036854775808";
  return `${kind === "integer" ? "an Integer" : "a Long"} (a whole number from ${lower} to ${upper})`;
}
