import { isIP } from "node:net";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { deregistrationDelayMs } from "../../domain/load-balancing/defaults.js";
import { drainingHealth, healthCheckDisabled, initialHealth, notInUseHealth, notRegisteredHealth, type TargetHealth } from "../../domain/load-balancing/health.js";
import { targetKey, type TargetGroupRecord, type TargetRecord } from "../../domain/load-balancing/types.js";
import type { QueryOperation } from "../aws-query/service.js";
import type { Elbv2Deps } from "./deps.js";
import { loadBalancersOf } from "../../state/load-balancing-store.js";
import { mustTargetGroup } from "./lookups.js";
import { optInt, optList, reqString, validation, type Params } from "./params.js";

const maxTargets = 1000;

/** Targets as requested: an instance address or IP, and a port (the target group's when left out). */
function targetsOf(p: Params, tg: TargetGroupRecord): { id: string; port: number }[] {
  const list = optList(p, "Targets") ?? [];
  if (list.length === 0) throw validation("Targets must name at least one target.");
  return list.map((t) => {
    const id = reqString(t, "Id");
    if (tg.targetType === "ip" && isIP(id) === 0) throw new AwsError("InvalidTarget", `The IP address '${excerpt(id, 60)}' is not a valid IPv4 address`);
    if (tg.targetType === "instance" && id.length > 255) throw new AwsError("InvalidTarget", "The target id is too long");
    return { id, port: optInt(t, "Port", 1, 65535) ?? tg.port };
  });
}

/**
 * A target's health as DescribeTargetHealth reports it: draining once deregistered; unused while no
 * listener forwards to its group; otherwise what the data plane's health checks found.
 */
export function healthOf(t: TargetRecord | undefined, inUse: boolean, checksEnabled: boolean, checked: TargetHealth | undefined): TargetHealth {
  if (!t || t.state === "deregistered") return notRegisteredHealth;
  if (t.state === "draining") return drainingHealth;
  if (!inUse) return notInUseHealth;
  if (!checksEnabled) return healthCheckDisabled;
  return checked ?? initialHealth;
}

export function targetOperations(deps: Elbv2Deps): Record<string, QueryOperation> {
  const { store } = deps;
  return {
    RegisterTargets: {
      async handle(p, ctx) {
        const arn = reqString(p, "TargetGroupArn");
        await store.write(async (tx) => {
          const tg = await mustTargetGroup(tx, arn);
          const existing = new Map((await tx.loadBalancing.targets(arn)).map((t) => [targetKey(t), t]));
          const wanted = targetsOf(p, tg);
          const added = wanted.filter((t) => existing.get(targetKey(t))?.state !== "registered");
          if (existing.size + added.length > maxTargets) throw new AwsError("TooManyTargets", `You've reached the limit on the number of targets per target group (${maxTargets})`);
          // Registering a registered target again changes nothing; a draining one is registered anew.
          for (const t of added) await tx.loadBalancing.putTarget({ targetGroupArn: arn, id: t.id, port: t.port, registeredAtMs: ctx.nowMs, state: "registered" });
        });
        deps.dataPlane.changed();
        return {};
      },
    },
    DeregisterTargets: {
      async handle(p, ctx) {
        const arn = reqString(p, "TargetGroupArn");
        await store.write(async (tx) => {
          const tg = await mustTargetGroup(tx, arn);
          const existing = new Map((await tx.loadBalancing.targets(arn)).map((t) => [targetKey(t), t]));
          const delayMs = deregistrationDelayMs(tg.attributes);
          for (const t of targetsOf(p, tg)) {
            const known = existing.get(targetKey(t));
            if (!known || known.state === "deregistered") throw new AwsError("InvalidTarget", `The following targets are not registered: '${excerpt(t.id, 60)}:${t.port}'`);
            if (known.state === "draining") continue;
            await tx.loadBalancing.putTarget({ ...known, state: "draining", drainUntilMs: ctx.nowMs + delayMs });
          }
        });
        deps.dataPlane.changed();
        return {};
      },
    },
    DescribeTargetHealth: {
      async handle(p) {
        const arn = reqString(p, "TargetGroupArn");
        const { tg, targets, inUse } = await store.read(async (tx) => {
          const group = await mustTargetGroup(tx, arn);
          return { tg: group, targets: await tx.loadBalancing.targets(arn), inUse: (await loadBalancersOf(tx.loadBalancing, arn)).length > 0 };
        });
        const byKey = new Map(targets.map((t) => [targetKey(t), t]));
        const asked = p.Targets === undefined ? targets.filter((t) => t.state !== "deregistered") : targetsOf(p, tg);
        const checked = deps.dataPlane.health(arn);
        return {
          TargetHealthDescriptions: asked.map((t) => {
            const h = healthOf(byKey.get(targetKey(t)), inUse, tg.healthCheck.enabled, checked.get(targetKey(t)));
            return {
              Target: { Id: t.id, Port: t.port },
              HealthCheckPort: tg.healthCheck.port === "traffic-port" ? String(t.port) : tg.healthCheck.port,
              TargetHealth: { State: h.state, Reason: h.reason, Description: h.description },
            };
          }),
        };
      },
    },
  };
}
