/**
 * A container health check, checked and returned with ECS's defaults filled in (interval 30, timeout 5,
 * retries 3; startPeriod stays absent when unset: real DescribeTaskDefinition output shows exactly that).
 */
import type { HealthCheck } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { messages } from "./messages.js";

/** Ranges and defaults from the API reference (HealthCheck). */
export const healthCheckLimits = {
  interval: { min: 5, max: 300, default: 30 },
  timeout: { min: 2, max: 60, default: 5 },
  retries: { min: 1, max: 10, default: 3 },
  startPeriod: { min: 0, max: 300 },
} as const;

const commandKinds: readonly string[] = ["CMD", "CMD-SHELL"];

export function normalizeHealthCheck(container: string, hc: HealthCheck): HealthCheck {
  const command = hc.command ?? [];
  // A bare "CMD" has nothing to run; Docker would refuse it when the task starts, so refuse it now.
  if (command.length < 2 || !commandKinds.includes(command[0]!)) throw clientException(messages.invalidHealthCommand(container));
  const within = (field: keyof typeof healthCheckLimits, value: number | undefined): void => {
    const { min, max } = healthCheckLimits[field];
    if (value !== undefined && (value < min || value > max)) {
      throw clientException(messages.healthOutOfRange(container, field, value, min, max));
    }
  };
  within("interval", hc.interval);
  within("timeout", hc.timeout);
  within("retries", hc.retries);
  within("startPeriod", hc.startPeriod);
  return {
    ...hc,
    interval: hc.interval ?? healthCheckLimits.interval.default,
    timeout: hc.timeout ?? healthCheckLimits.timeout.default,
    retries: hc.retries ?? healthCheckLimits.retries.default,
  };
}
