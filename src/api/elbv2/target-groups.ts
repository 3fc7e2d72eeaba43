import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { defaultHealthCheck, targetGroupAttributesFor } from "../../domain/load-balancing/defaults.js";
import { targetGroupArn } from "../../domain/load-balancing/arns.js";
import type { HealthCheck, TargetGroupProtocol, TargetGroupRecord } from "../../domain/load-balancing/types.js";
import type { QueryOperation } from "../aws-query/service.js";
import { attributesOf, attributesView, checkAttributes } from "./attributes.js";
import type { Elbv2Deps } from "./deps.js";
import { loadBalancersOf } from "../../state/load-balancing-store.js";
import { mustLoadBalancer, mustTargetGroup } from "./lookups.js";
import { paginate } from "./paging.js";
import { checkName, optBool, optEnum, optInt, optString, optStrings, optStruct, reqString, validation, type Params } from "./params.js";
import { parseTags, saveTags } from "./tags.js";
import { targetGroupView } from "./views.js";
import { berthVpcId } from "./views.js";
import { targetGroupUsers } from "./target-group-users.js";

const protocols = ["HTTP", "HTTPS", "TCP"] as const;

/** The health check members of CreateTargetGroup/ModifyTargetGroup over `base`. */
function healthCheckOf(p: Params, base: HealthCheck): HealthCheck {
  const hc: HealthCheck = {
    enabled: optBool(p, "HealthCheckEnabled") ?? base.enabled,
    protocol: optEnum(p, "HealthCheckProtocol", protocols) ?? base.protocol,
    port: optString(p, "HealthCheckPort") ?? base.port,
    path: optString(p, "HealthCheckPath") ?? base.path,
    intervalSeconds: optInt(p, "HealthCheckIntervalSeconds", 5, 300) ?? base.intervalSeconds,
    timeoutSeconds: optInt(p, "HealthCheckTimeoutSeconds", 2, 120) ?? base.timeoutSeconds,
    healthyThreshold: optInt(p, "HealthyThresholdCount", 2, 10) ?? base.healthyThreshold,
    unhealthyThreshold: optInt(p, "UnhealthyThresholdCount", 2, 10) ?? base.unhealthyThreshold,
    httpCode: (() => {
      const m = optStruct(p, "Matcher");
      return (m && optString(m, "HttpCode")) ?? base.httpCode;
    })(),
  };
  if (hc.port !== "traffic-port" && !(/^\d{1,5}$/.test(hc.port) && Number(hc.port) >= 1 && Number(hc.port) <= 65535)) {
    throw validation(`Health check port '${excerpt(hc.port, 20)}' must be 'traffic-port' or a port from 1 to 65535.`);
  }
  if (hc.protocol !== "TCP" && (!hc.path.startsWith("/") || hc.path.length > 1024)) throw validation("The health check path must begin with a '/' character and be at most 1024 characters.");
  if (!/^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$/.test(hc.httpCode)) throw validation(`Matcher.HttpCode '${excerpt(hc.httpCode, 40)}' must be codes like 200, 200,202 or 200-299.`);
  if (hc.timeoutSeconds >= hc.intervalSeconds) throw validation("Health check timeout must be smaller than the interval");
  return hc;
}

export function targetGroupOperations(deps: Elbv2Deps): Record<string, QueryOperation> {
  const { store } = deps;
  return {
    CreateTargetGroup: {
      async handle(p, ctx) {
        const name = checkName("target group", reqString(p, "Name"));
        const targetType = optEnum(p, "TargetType", ["instance", "ip", "lambda", "alb"] as const) ?? "instance";
        if (targetType === "lambda" || targetType === "alb") throw new AwsError("OperationNotPermitted", `Berth has no '${targetType}' targets: use instance or ip.`);
        const protocol = optEnum(p, "Protocol", ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"] as const);
        if (protocol === undefined) throw validation("A protocol must be specified");
        if (protocol !== "HTTP" && protocol !== "HTTPS" && protocol !== "TCP") throw new AwsError("UnsupportedProtocol", `Berth's target groups take HTTP, HTTPS or TCP, not ${protocol}.`);
        const port = optInt(p, "Port", 1, 65535);
        if (port === undefined) throw validation("A port must be specified");
        const vpcId = optString(p, "VpcId") ?? berthVpcId;
        const tags = parseTags(p);
        const base = defaultHealthCheck(protocol);
        const healthCheck = healthCheckOf(p, base);
        const tg = await store.write(async (tx) => {
          const existing = await tx.loadBalancing.targetGroupNamed(name);
          if (existing) {
            const same = existing.protocol === protocol && existing.port === port && existing.targetType === targetType && JSON.stringify(existing.healthCheck) === JSON.stringify(healthCheck);
            if (same) return existing;
            throw new AwsError("DuplicateTargetGroupName", `A target group with the same name '${name}' exists, but with different settings`);
          }
          const record: TargetGroupRecord = {
            arn: targetGroupArn(ctx.partition, name, deps.newId().slice(0, 16)),
            name,
            protocol,
            port,
            targetType,
            vpcId,
            healthCheck,
            createdAtMs: ctx.nowMs,
            attributes: targetGroupAttributesFor(protocol),
          };
          await tx.loadBalancing.putTargetGroup(record);
          await saveTags(tx, record.arn, tags);
          return record;
        });
        deps.dataPlane.changed();
        return { TargetGroups: [targetGroupView(tg, [])] };
      },
    },
    DescribeTargetGroups: {
      async handle(p) {
        const lbArn = optString(p, "LoadBalancerArn");
        const arns = optStrings(p, "TargetGroupArns");
        const names = optStrings(p, "Names");
        const pageSize = optInt(p, "PageSize", 1, 400) ?? 400;
        const views = await store.read(async (tx) => {
          let groups: TargetGroupRecord[];
          if (arns?.length) groups = await Promise.all(arns.map((a) => mustTargetGroup(tx, a)));
          else if (names?.length) {
            groups = await Promise.all(
              names.map(async (n) => {
                const tg = await tx.loadBalancing.targetGroupNamed(n);
                if (!tg) throw new AwsError("TargetGroupNotFound", `One or more target groups not found`);
                return tg;
              }),
            );
          } else groups = await tx.loadBalancing.targetGroups();
          if (lbArn !== undefined) await mustLoadBalancer(tx, lbArn);
          const out = [];
          for (const tg of groups) {
            const lbs = await loadBalancersOf(tx.loadBalancing, tg.arn);
            if (lbArn === undefined || lbs.includes(lbArn)) out.push(targetGroupView(tg, lbs));
          }
          return out;
        });
        const { items, next } = paginate(views, optString(p, "Marker"), pageSize);
        return { TargetGroups: items, NextMarker: next };
      },
    },
    ModifyTargetGroup: {
      async handle(p) {
        const arn = reqString(p, "TargetGroupArn");
        const view = await store.write(async (tx) => {
          const tg = await mustTargetGroup(tx, arn);
          const next = { ...tg, healthCheck: healthCheckOf(p, tg.healthCheck) };
          await tx.loadBalancing.putTargetGroup(next);
          return targetGroupView(next, await loadBalancersOf(tx.loadBalancing, arn));
        });
        deps.dataPlane.changed();
        return { TargetGroups: [view] };
      },
    },
    DeleteTargetGroup: {
      async handle(p) {
        const arn = reqString(p, "TargetGroupArn");
        await store.write(async (tx) => {
          const tg = await tx.loadBalancing.targetGroup(arn);
          if (!tg) return; // as ELB: deleting one that is gone succeeds
          const users = await targetGroupUsers(tx, arn);
          if (users.length > 0) throw new AwsError("ResourceInUse", `Target group '${arn}' is currently in use by ${users[0]!}`);
          await tx.loadBalancing.remove(arn);
          await tx.tags.remove(arn, (await tx.tags.list(arn)).map((t) => t.key ?? ""));
        });
        deps.dataPlane.changed();
        return {};
      },
    },
    DescribeTargetGroupAttributes: {
      async handle(p) {
        const tg = await store.read((tx) => mustTargetGroup(tx, reqString(p, "TargetGroupArn")));
        return { Attributes: attributesView(tg.attributes) };
      },
    },
    ModifyTargetGroupAttributes: {
      async handle(p) {
        const arn = reqString(p, "TargetGroupArn");
        const changes = checkAttributes(attributesOf(p), targetGroupAttributeRules);
        const slow = changes["slow_start.duration_seconds"];
        if (slow !== undefined && slow !== "0" && Number(slow) < 30) throw new AwsError("InvalidConfigurationRequest", "slow_start.duration_seconds must be 0 or from 30 to 900");
        const tg = await store.write(async (tx) => {
          const current = await mustTargetGroup(tx, arn);
          const next = { ...current, attributes: { ...current.attributes, ...changes } };
          checkStickiness(next.protocol, next.attributes);
          await tx.loadBalancing.putTargetGroup(next);
          return next;
        });
        deps.dataPlane.changed();
        return { Attributes: attributesView(tg.attributes) };
      },
    },
  };
}

const targetGroupAttributeRules = {
  "deregistration_delay.timeout_seconds": { min: 0, max: 3600 },
  "slow_start.duration_seconds": { min: 0, max: 900 },
  "load_balancing.algorithm.type": ["round_robin", "least_outstanding_requests"],
  "stickiness.enabled": "boolean",
  "stickiness.type": ["lb_cookie", "app_cookie", "source_ip"],
  "stickiness.lb_cookie.duration_seconds": { min: 1, max: 604_800 },
  // A cookie name is an HTTP token (RFC 6265), or empty until app_cookie stickiness is chosen.
  "stickiness.app_cookie.cookie_name": /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{0,128}$/,
  "stickiness.app_cookie.duration_seconds": { min: 1, max: 604_800 },
} as const;

/**
 * Stickiness that fits the group: source_ip for a network load balancer's TCP group, cookies for
 * HTTP and HTTPS; application-based stickiness needs the application's cookie name, which may not
 * be one of the load balancer's own.
 */
function checkStickiness(protocol: TargetGroupProtocol, attributes: Readonly<Record<string, string>>): void {
  if (attributes["stickiness.enabled"] !== "true") return;
  const type = attributes["stickiness.type"] ?? "lb_cookie";
  const fits = protocol === "TCP" ? type === "source_ip" : type !== "source_ip";
  if (!fits) throw new AwsError("InvalidConfigurationRequest", `Stickiness type '${type}' is not supported for target groups with the ${protocol} protocol: ${protocol === "TCP" ? "use source_ip" : "use lb_cookie or app_cookie"}`);
  if (type !== "app_cookie") return;
  const name = attributes["stickiness.app_cookie.cookie_name"] ?? "";
  if (name === "") throw new AwsError("InvalidConfigurationRequest", "Application-based stickiness needs the application's cookie name: set stickiness.app_cookie.cookie_name");
  if (name.startsWith("AWSALB")) throw new AwsError("InvalidConfigurationRequest", `The cookie name '${name}' is reserved: AWSALB, AWSALBAPP and AWSALBTG are the load balancer's own cookies`);
}
