import type { DeploymentAlarms, DeploymentCircuitBreaker, DeploymentConfiguration } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";
import type { CircuitBreakerConfig, DeploymentAlarmsConfig, DeploymentConfig, SchedulingStrategy } from "./service.js";
import { checkDeploymentPercents } from "./service-limits.js";

/**
 * CreateService's and UpdateService's `deploymentConfiguration` over the service's current (or
 * default) one, checked as ECS checks it. What Berth would take and then ignore, deploying
 * otherwise than asked, is refused, saying why.
 */
export function deploymentConfig(
  base: DeploymentConfig,
  input: DeploymentConfiguration | undefined,
  service: { readonly strategy: SchedulingStrategy; readonly controller: "ECS" | "EXTERNAL" },
): DeploymentConfig {
  const strategy = input?.strategy ?? base.strategy ?? "ROLLING";
  if (strategy !== "ROLLING" && strategy !== "BLUE_GREEN") {
    throw invalidParameter(`Berth deploys services by rolling update or blue/green: deploymentConfiguration.strategy must be ROLLING or BLUE_GREEN (LINEAR and CANARY are not offered yet); got '${excerpt(strategy)}'.`);
  }
  if (input?.linearConfiguration !== undefined || input?.canaryConfiguration !== undefined) {
    throw invalidParameter("linearConfiguration and canaryConfiguration belong to the LINEAR and CANARY strategies, which Berth does not offer yet: remove them.");
  }
  if (strategy === "BLUE_GREEN" && (service.strategy === "DAEMON" || service.controller === "EXTERNAL")) {
    throw invalidParameter("The BLUE_GREEN deployment strategy works with REPLICA services of the ECS deployment controller only.");
  }
  const bake = input?.bakeTimeInMinutes ?? (strategy === base.strategy ? base.bakeTimeInMinutes : undefined);
  if (bake !== undefined && strategy !== "BLUE_GREEN") {
    throw invalidParameter(
      "bakeTimeInMinutes belongs to BLUE_GREEN deployments: set strategy BLUE_GREEN, or remove it. A rolling update with deployment alarms bakes for the longest evaluation window of its alarms.",
    );
  }
  if (bake !== undefined && (!Number.isInteger(bake) || bake < 0 || bake > 1440)) {
    throw invalidParameter(`deploymentConfiguration.bakeTimeInMinutes must be a whole number of minutes from 0 to 1440; got ${bake}.`);
  }
  if (input?.earlySuccessCriteria?.enable === true) {
    throw invalidParameter("Berth does not offer earlySuccessCriteria yet: a deployment completes when every task of its revision is healthy and the older tasks are gone.");
  }
  if ((input?.lifecycleHooks?.length ?? 0) > 0) {
    throw invalidParameter("Deployment lifecycle hooks run AWS Lambda functions, which Berth does not have: remove deploymentConfiguration.lifecycleHooks.");
  }
  const min = input?.minimumHealthyPercent ?? base.minimumHealthyPercent;
  const max = input?.maximumPercent ?? base.maximumPercent;
  checkDeploymentPercents(service.strategy, min, max);
  const alarms = input?.alarms === undefined ? base.alarms : alarmsConfig(input.alarms);
  if (alarms?.enable === true && service.controller === "EXTERNAL") {
    throw invalidParameter("Deployment alarms watch rolling updates: they work only with the ECS deployment controller, not EXTERNAL.");
  }
  return {
    minimumHealthyPercent: min,
    maximumPercent: max,
    circuitBreaker: input?.deploymentCircuitBreaker === undefined ? base.circuitBreaker : circuitBreakerConfig(input.deploymentCircuitBreaker),
    ...(alarms !== undefined && { alarms }),
    ...(strategy === "BLUE_GREEN" && { strategy, bakeTimeInMinutes: bake ?? 0 }),
  };
}

function circuitBreakerConfig(cb: DeploymentCircuitBreaker): CircuitBreakerConfig {
  const t = cb.thresholdConfiguration;
  if (t !== undefined) {
    const type = t.type ?? "BOUNDED_PERCENT";
    const value = t.value ?? 50;
    if (type !== "BOUNDED_PERCENT" && type !== "UNBOUNDED_PERCENT" && type !== "COUNT") {
      throw invalidParameter(`deploymentCircuitBreaker.thresholdConfiguration.type must be BOUNDED_PERCENT, UNBOUNDED_PERCENT or COUNT; got '${excerpt(type)}'.`);
    }
    const most = type === "COUNT" ? 5000 : 100;
    if (!Number.isInteger(value) || value < 1 || value > most) {
      throw invalidParameter(`deploymentCircuitBreaker.thresholdConfiguration.value must be a whole number from 1 to ${most} for ${type}; got ${value}.`);
    }
  }
  return {
    enable: cb.enable ?? false,
    rollback: cb.rollback ?? false,
    ...(cb.resetOnHealthyTask !== undefined && { resetOnHealthyTask: cb.resetOnHealthyTask }),
    ...(t !== undefined && { threshold: { type: t.type ?? "BOUNDED_PERCENT", value: t.value ?? 50 } }),
  };
}

/** CloudWatch alarm names: 1 to 255 characters, as PutMetricAlarm takes them. */
function alarmsConfig(a: DeploymentAlarms): DeploymentAlarmsConfig {
  const alarmNames = [...new Set(a.alarmNames ?? [])];
  for (const name of alarmNames) {
    if (name.length < 1 || name.length > 255) throw invalidParameter(`deploymentConfiguration.alarms.alarmNames: an alarm name has 1 to 255 characters; got '${excerpt(name)}'.`);
  }
  if (a.enable === true && alarmNames.length === 0) throw invalidParameter("deploymentConfiguration.alarms.alarmNames must name at least one CloudWatch alarm when enable is true.");
  return { alarmNames, enable: a.enable ?? false, rollback: a.rollback ?? false };
}
