import type { DeploymentAlarms, DeploymentCircuitBreaker, DeploymentConfiguration, DeploymentEarlySuccessCriteria } from "@aws-sdk/client-ecs";
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
  if (strategy !== "ROLLING" && strategy !== "BLUE_GREEN" && strategy !== "LINEAR" && strategy !== "CANARY") {
    throw invalidParameter(`deploymentConfiguration.strategy must be ROLLING, BLUE_GREEN, LINEAR or CANARY; got '${excerpt(strategy)}'.`);
  }
  const shifting = strategy !== "ROLLING";
  if (shifting && (service.strategy === "DAEMON" || service.controller === "EXTERNAL")) {
    throw invalidParameter(`The ${strategy} deployment strategy works with REPLICA services of the ECS deployment controller only.`);
  }
  const kept = strategy === base.strategy;
  const bake = input?.bakeTimeInMinutes ?? (kept ? base.bakeTimeInMinutes : undefined);
  if (bake !== undefined && !shifting) {
    throw invalidParameter(
      "bakeTimeInMinutes belongs to BLUE_GREEN, LINEAR and CANARY deployments: set one of those strategies, or remove it. A rolling update with deployment alarms bakes for the longest evaluation window of its alarms.",
    );
  }
  minutes("bakeTimeInMinutes", bake);
  const linear = strategyPart(strategy, "LINEAR", "linearConfiguration", input?.linearConfiguration, kept ? base.linear : undefined, (c) => ({
    stepPercent: percent("linearConfiguration.stepPercent", c?.stepPercent ?? 10, 3),
    stepBakeTimeInMinutes: minutes("linearConfiguration.stepBakeTimeInMinutes", c?.stepBakeTimeInMinutes) ?? 6,
  }));
  const canary = strategyPart(strategy, "CANARY", "canaryConfiguration", input?.canaryConfiguration, kept ? base.canary : undefined, (c) => ({
    canaryPercent: percent("canaryConfiguration.canaryPercent", c?.canaryPercent ?? 5, 0.1),
    canaryBakeTimeInMinutes: minutes("canaryConfiguration.canaryBakeTimeInMinutes", c?.canaryBakeTimeInMinutes) ?? 10,
  }));
  if ((input?.lifecycleHooks?.length ?? 0) > 0) {
    throw invalidParameter("Deployment lifecycle hooks run AWS Lambda functions, which Berth does not have: remove deploymentConfiguration.lifecycleHooks.");
  }
  const min = input?.minimumHealthyPercent ?? base.minimumHealthyPercent;
  const max = input?.maximumPercent ?? base.maximumPercent;
  checkDeploymentPercents(service.strategy, min, max);
  const earlySuccess = input?.earlySuccessCriteria === undefined ? (shifting ? undefined : base.earlySuccess) : earlySuccessOf(input.earlySuccessCriteria, min, shifting);
  const alarms = input?.alarms === undefined ? base.alarms : alarmsConfig(input.alarms);
  if (alarms?.enable === true && service.controller === "EXTERNAL") {
    throw invalidParameter("Deployment alarms watch rolling updates: they work only with the ECS deployment controller, not EXTERNAL.");
  }
  return {
    minimumHealthyPercent: min,
    maximumPercent: max,
    circuitBreaker: input?.deploymentCircuitBreaker === undefined ? base.circuitBreaker : circuitBreakerConfig(input.deploymentCircuitBreaker),
    ...(alarms !== undefined && { alarms }),
    ...(shifting && { strategy, bakeTimeInMinutes: bake ?? 0 }),
    ...(linear !== undefined && { linear }),
    ...(canary !== undefined && { canary }),
    ...(earlySuccess !== undefined && { earlySuccess }),
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

/**
 * A strategy's own settings (linearConfiguration, canaryConfiguration): taken, with ECS's defaults,
 * only with that strategy; the service's current ones kept while the strategy is.
 */
function strategyPart<In, Out>(strategy: string, owner: string, field: string, given: In | undefined, current: Out | undefined, make: (c: In | undefined) => Out): Out | undefined {
  if (strategy !== owner) {
    if (given !== undefined) throw invalidParameter(`${field} belongs to the ${owner} strategy: set strategy ${owner}, or remove it.`);
    return undefined;
  }
  return given === undefined && current !== undefined ? current : make(given);
}

/** A bake time: whole minutes, 0 to 1,440 (a day). */
function minutes(field: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 1440)) {
    throw invalidParameter(`deploymentConfiguration.${field} must be a whole number of minutes from 0 to 1440; got ${value}.`);
  }
  return value;
}

/** A share of traffic: a multiple of 0.1 from `least` to 100.0. */
function percent(field: string, value: number, least: number): number {
  const tenths = Math.round(value * 10);
  if (!Number.isFinite(value) || Math.abs(value * 10 - tenths) > 1e-9 || value < least || value > 100) {
    throw invalidParameter(`deploymentConfiguration.${field} must be a multiple of 0.1 from ${least.toFixed(1)} to 100.0; got ${value}.`);
  }
  return tenths / 10;
}

/** `earlySuccessCriteria`: with `enable`, a whole healthyPercent from minimumHealthyPercent to 100 and a cleanup, for rolling updates; undefined when not enabled. */
function earlySuccessOf(c: DeploymentEarlySuccessCriteria, minimumHealthyPercent: number, shifting: boolean): DeploymentConfig["earlySuccess"] {
  if (c.enable !== true) return undefined;
  if (shifting) throw invalidParameter("earlySuccessCriteria belongs to rolling updates: a BLUE_GREEN, LINEAR or CANARY deployment completes after its bake time.");
  const percent = c.healthyPercent;
  if (percent === undefined || !Number.isInteger(percent) || percent < minimumHealthyPercent || percent > 100) {
    throw invalidParameter(`earlySuccessCriteria.healthyPercent must be a whole number from minimumHealthyPercent (${minimumHealthyPercent}) to 100; got ${percent ?? "none"}.`);
  }
  const cleanup = c.sourceServiceRevisionCleanup;
  if (cleanup !== "BLOCKING" && cleanup !== "DEFERRED") {
    throw invalidParameter(`earlySuccessCriteria.sourceServiceRevisionCleanup must be BLOCKING or DEFERRED; got '${excerpt(String(cleanup ?? "none"))}'.`);
  }
  return { healthyPercent: percent, cleanup };
}
