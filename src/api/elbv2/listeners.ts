import { existsSync } from "node:fs";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { listenerArn } from "../../domain/load-balancing/arns.js";
import type { Action, ListenerProtocol, ListenerRecord, LoadBalancerRecord } from "../../domain/load-balancing/types.js";
import type { ReadTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import { checkActionTargets, parseActions } from "./actions.js";
import type { Elbv2Deps } from "./deps.js";
import { mustListener, mustLoadBalancer } from "./lookups.js";
import { paginate } from "./paging.js";
import { optEnum, optInt, optList, optString, optStrings, reqString, validation, type Params } from "./params.js";
import { parseTags, saveTags } from "./tags.js";
import { listenerView } from "./views.js";

/**
 * A listener's certificate: Berth has no certificate manager, so `CertificateArn` is the path of a
 * PEM file holding the certificate chain and its private key (`file:///…` or an absolute path).
 */
function certificateOf(p: Params): string | undefined {
  const certs = optList(p, "Certificates");
  if (!certs || certs.length === 0) return undefined;
  const arn = reqString(certs[0]!, "CertificateArn");
  const path = arn.startsWith("file://") ? arn.slice("file://".length) : arn;
  if (!path.startsWith("/") || !existsSync(path)) throw new AwsError("CertificateNotFound", `Certificate '${excerpt(arn)}' not found: Berth takes the path of a PEM file (certificate and key) as the certificate ARN`);
  return path;
}

async function checkListener(tx: ReadTx, deps: Elbv2Deps, lb: LoadBalancerRecord, l: { arn?: string; port: number; protocol: ListenerProtocol; certificateArn?: string | undefined; defaultActions: readonly Action[] }, portChanged: boolean): Promise<void> {
  const allowed: readonly ListenerProtocol[] = lb.type === "network" ? ["TCP"] : ["HTTP", "HTTPS"];
  if (!allowed.includes(l.protocol)) throw new AwsError("IncompatibleProtocols", `A ${lb.type} load balancer's listeners take ${allowed.join(" or ")}, not ${l.protocol}`);
  if (l.protocol === "HTTPS" && l.certificateArn === undefined) throw validation("A certificate must be specified for HTTPS listeners");
  await checkActionTargets(tx, l.defaultActions);
  for (const a of l.defaultActions) {
    if (a.type !== "forward") continue;
    for (const g of a.targetGroups) {
      const tg = await tx.loadBalancing.targetGroup(g.targetGroupArn);
      if (tg && (tg.protocol === "TCP") !== (l.protocol === "TCP")) throw new AwsError("IncompatibleProtocols", `Listener protocol '${l.protocol}' must be compatible with target group protocol '${tg.protocol}'`);
    }
    if (lb.type === "network" && (l.defaultActions.length !== 1 || a.targetGroups.length !== 1)) throw new AwsError("InvalidConfigurationRequest", "A network load balancer's listener forwards to one target group");
  }
  for (const other of await tx.loadBalancing.listeners()) {
    if (other.arn === l.arn || other.port !== l.port) continue;
    if (other.loadBalancerArn === lb.arn) throw new AwsError("DuplicateListener", "A listener already exists on this port for this load balancer");
    throw new AwsError("InvalidConfigurationRequest", `Port ${l.port} is taken by a listener of load balancer '${other.loadBalancerArn}': Berth's listeners share one address, so each needs its own port`);
  }
  if (portChanged && !(await deps.dataPlane.portAvailable(l.port))) throw new AwsError("InvalidConfigurationRequest", `Port ${l.port} cannot be opened on this host: another process holds it`);
}

export function listenerOperations(deps: Elbv2Deps): Record<string, QueryOperation> {
  const { store } = deps;
  return {
    CreateListener: {
      async handle(p) {
        const lbArn = reqString(p, "LoadBalancerArn");
        const protocol = optEnum(p, "Protocol", ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"] as const);
        if (protocol === undefined) throw validation("A protocol must be specified");
        if (protocol !== "HTTP" && protocol !== "HTTPS" && protocol !== "TCP") throw new AwsError("UnsupportedProtocol", `Berth's listeners take HTTP, HTTPS or TCP, not ${protocol}`);
        const port = optInt(p, "Port", 1, 65535);
        if (port === undefined) throw validation("A port must be specified");
        const certificateArn = certificateOf(p);
        const defaultActions = parseActions(p, "DefaultActions");
        const tags = parseTags(p);
        const listener = await store.write(async (tx) => {
          const lb = await mustLoadBalancer(tx, lbArn);
          const existing = (await tx.loadBalancing.listeners(lbArn)).find((l) => l.port === port);
          // CreateListener is idempotent for the same settings.
          if (existing && existing.protocol === protocol && JSON.stringify(existing.defaultActions) === JSON.stringify(defaultActions)) return existing;
          const record: ListenerRecord = {
            arn: listenerArn(lb.arn, deps.newId().slice(0, 16)),
            loadBalancerArn: lb.arn,
            port,
            protocol,
            certificateArn,
            sslPolicy: certificateArn === undefined ? undefined : (optString(p, "SslPolicy") ?? "ELBSecurityPolicy-2016-08"),
            defaultActions,
          };
          await checkListener(tx, deps, lb, record, true);
          await tx.loadBalancing.putListener(record);
          await saveTags(tx, record.arn, tags);
          return record;
        });
        deps.dataPlane.changed();
        return { Listeners: [listenerView(listener)] };
      },
    },
    DescribeListeners: {
      async handle(p) {
        const lbArn = optString(p, "LoadBalancerArn");
        const arns = optStrings(p, "ListenerArns");
        if (lbArn === undefined && !arns?.length) throw validation("You must specify either listener ARNs or a load balancer ARN");
        const listeners = await store.read(async (tx) => {
          if (arns?.length) return Promise.all(arns.map((a) => mustListener(tx, a)));
          await mustLoadBalancer(tx, lbArn ?? "");
          return tx.loadBalancing.listeners(lbArn);
        });
        const { items, next } = paginate(listeners, optString(p, "Marker"), optInt(p, "PageSize", 1, 400) ?? 400);
        return { Listeners: items.map(listenerView), NextMarker: next };
      },
    },
    ModifyListener: {
      async handle(p) {
        const arn = reqString(p, "ListenerArn");
        const port = optInt(p, "Port", 1, 65535);
        const protocol = optEnum(p, "Protocol", ["HTTP", "HTTPS", "TCP"] as const);
        const certificateArn = certificateOf(p);
        const defaultActions = p.DefaultActions === undefined ? undefined : parseActions(p, "DefaultActions");
        const listener = await store.write(async (tx) => {
          const current = await mustListener(tx, arn);
          const lb = await mustLoadBalancer(tx, current.loadBalancerArn);
          const next: ListenerRecord = {
            ...current,
            port: port ?? current.port,
            protocol: protocol ?? current.protocol,
            certificateArn: certificateArn ?? (protocol === "HTTP" ? undefined : current.certificateArn),
            sslPolicy: optString(p, "SslPolicy") ?? current.sslPolicy,
            defaultActions: defaultActions ?? current.defaultActions,
          };
          await checkListener(tx, deps, lb, next, next.port !== current.port);
          await tx.loadBalancing.putListener(next);
          return next;
        });
        deps.dataPlane.changed();
        return { Listeners: [listenerView(listener)] };
      },
    },
    DeleteListener: {
      async handle(p) {
        const arn = reqString(p, "ListenerArn");
        await store.write(async (tx) => {
          await mustListener(tx, arn);
          for (const r of await tx.loadBalancing.rules(arn)) await tx.loadBalancing.remove(r.arn);
          await tx.loadBalancing.remove(arn);
        });
        deps.dataPlane.changed();
        return {};
      },
    },
  };
}
