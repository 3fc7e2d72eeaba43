/**
 * Log configuration rules: the driver is one ECS knows, awslogs names its group and region, and a
 * container logging through awsfirelens has a FireLens router beside it in the task.
 */
import type { ContainerDefinition, LogConfiguration } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { isOneOf, logDrivers } from "./enums.js";
import { messages } from "./messages.js";

/** In the order ECS lists them in its "requires options" message. */
const awslogsRequiredOptions = ["awslogs-region", "awslogs-group"] as const;

export function checkLogConfiguration(container: string, lc: LogConfiguration): void {
  if (!isOneOf(logDrivers, lc.logDriver)) {
    throw clientException(messages.invalidContainerEnum(container, "logDriver", lc.logDriver, logDrivers));
  }
  if (lc.logDriver === "awslogs") {
    const options = lc.options ?? {};
    const missing = awslogsRequiredOptions.filter((o) => !options[o]);
    if (missing.length > 0) throw clientException(messages.awslogsOptions(container, missing));
  }
}

/** awsfirelens sends logs to the task's FireLens container, so one must exist. */
export function checkFirelensRouter(containers: readonly ContainerDefinition[]): void {
  const hasRouter = containers.some((c) => c.firelensConfiguration !== undefined);
  const user = containers.find((c) => c.logConfiguration?.logDriver === "awsfirelens");
  if (user && !hasRouter) throw clientException(messages.firelensWithoutRouter(user.name ?? ""));
}
