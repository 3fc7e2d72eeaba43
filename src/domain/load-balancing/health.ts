/** ELB's target health states and reason codes (DescribeTargetHealth). */
export type TargetHealthState = "initial" | "healthy" | "unhealthy" | "unused" | "draining" | "unavailable";

export type TargetHealthReason =
  | "Elb.RegistrationInProgress"
  | "Elb.InitialHealthChecking"
  | "Target.ResponseCodeMismatch"
  | "Target.Timeout"
  | "Target.FailedHealthChecks"
  | "Target.NotRegistered"
  | "Target.NotInUse"
  | "Target.DeregistrationInProgress"
  | "Target.HealthCheckDisabled";

export interface TargetHealth {
  readonly state: TargetHealthState;
  readonly reason?: TargetHealthReason | undefined;
  readonly description?: string | undefined;
}

export const initialHealth: TargetHealth = { state: "initial", reason: "Elb.InitialHealthChecking", description: "Initial health checks in progress" };
export const drainingHealth: TargetHealth = { state: "draining", reason: "Target.DeregistrationInProgress", description: "Target deregistration is in progress" };
export const notRegisteredHealth: TargetHealth = { state: "unused", reason: "Target.NotRegistered", description: "Target is not registered to the target group" };
export const notInUseHealth: TargetHealth = { state: "unused", reason: "Target.NotInUse", description: "Target group is not configured to receive traffic from the load balancer" };
export const healthCheckDisabled: TargetHealth = { state: "unavailable", reason: "Target.HealthCheckDisabled", description: "Health checks are disabled" };
