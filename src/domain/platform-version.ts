import { AwsError } from "../errors/catalog.js";

/**
 * A `platformVersion` as RunTask, CreateService and UpdateService take it: `LATEST` or a Fargate
 * platform version such as `1.4.0`. Anything else names no platform, and ECS answers
 * PlatformUnknownException ("The specified platform version doesn't exist", API reference).
 */
export function checkPlatformVersion(version: string | undefined): void {
  if (version === undefined || /^(LATEST|\d{1,3}\.\d{1,3}\.\d{1,3})$/.test(version)) return;
  throw new AwsError("PlatformUnknownException", `The specified platform version doesn't exist: '${version.slice(0, 64)}'. Use LATEST or a version such as 1.4.0.`);
}
