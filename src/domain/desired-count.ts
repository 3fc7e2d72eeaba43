import type { ServiceRecord } from "./service.js";
import { checkDesiredCount } from "./service-limits.js";

/**
 * A service with a new desired count: the one rule UpdateService and Application Auto Scaling share
 * (the count checked against the service's scheduling strategy and ECS's quota). The caller saves
 * it with its version bumped, and the service scheduler starts or stops tasks from the change log.
 */
export function withDesiredCount(s: ServiceRecord, desiredCount: number): ServiceRecord {
  checkDesiredCount(s.schedulingStrategy, desiredCount);
  return { ...s, desiredCount };
}
