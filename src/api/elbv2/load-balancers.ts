import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { defaultLoadBalancerAttributes } from "../../domain/load-balancing/defaults.js";
import { loadBalancerArn } from "../../domain/load-balancing/arns.js";
import type { LoadBalancerRecord } from "../../domain/load-balancing/types.js";
import type { QueryOperation } from "../aws-query/service.js";
import type { Elbv2Deps } from "./deps.js";
import { mustLoadBalancer } from "./lookups.js";
import { checkName, optEnum, optInt, optString, optStrings, reqString, validation } from "./params.js";
import { attributesOf, attributesView, checkAttributes } from "./attributes.js";
import { parseTags, saveTags } from "./tags.js";
import { loadBalancerView } from "./views.js";
import { paginate } from "./paging.js";

export function loadBalancerOperations(deps: Elbv2Deps): Record<string, QueryOperation> {
  const { store } = deps;
  return {
    CreateLoadBalancer: {
      async handle(p, ctx) {
        const name = checkName("load balancer", reqString(p, "Name"));
        const type = optEnum(p, "Type", ["application", "network", "gateway"] as const) ?? "application";
        if (type === "gateway") throw new AwsError("OperationNotPermitted", "Berth has no gateway load balancers: use application or network.");
        const scheme = optEnum(p, "Scheme", ["internet-facing", "internal"] as const) ?? "internet-facing";
        const ipAddressType = optEnum(p, "IpAddressType", ["ipv4", "dualstack"] as const) ?? "ipv4";
        const tags = parseTags(p);
        const lb = await store.write(async (tx) => {
          const existing = await tx.loadBalancing.loadBalancerNamed(name);
          if (existing) {
            // CreateLoadBalancer is idempotent: the same settings again return the load balancer.
            if (existing.type === type && existing.scheme === scheme) return existing;
            throw new AwsError("DuplicateLoadBalancerName", `A load balancer with the same name '${name}' exists, but with different settings`);
          }
          const record: LoadBalancerRecord = {
            arn: loadBalancerArn(ctx.partition, type, name, deps.newId().slice(0, 16)),
            name,
            type,
            scheme,
            ipAddressType,
            createdAtMs: ctx.nowMs,
            attributes: defaultLoadBalancerAttributes,
          };
          await tx.loadBalancing.putLoadBalancer(record);
          await saveTags(tx, record.arn, tags);
          return record;
        });
        return { LoadBalancers: [loadBalancerView(lb, ctx.partition.region)] };
      },
    },
    DescribeLoadBalancers: {
      async handle(p, ctx) {
        const arns = optStrings(p, "LoadBalancerArns");
        const names = optStrings(p, "Names");
        if (arns?.length && names?.length) throw validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
        const pageSize = optInt(p, "PageSize", 1, 400) ?? 400;
        const all = await store.read(async (tx) => {
          if (arns?.length) return Promise.all(arns.map((a) => mustLoadBalancer(tx, a)));
          if (names?.length) {
            return Promise.all(
              names.map(async (n) => {
                const lb = await tx.loadBalancing.loadBalancerNamed(n);
                if (!lb) throw new AwsError("LoadBalancerNotFound", `Load balancers '[${excerpt(n)}]' not found`);
                return lb;
              }),
            );
          }
          return tx.loadBalancing.loadBalancers();
        });
        const { items, next } = paginate(all, optString(p, "Marker"), pageSize);
        return { LoadBalancers: items.map((lb) => loadBalancerView(lb, ctx.partition.region)), NextMarker: next };
      },
    },
    DeleteLoadBalancer: {
      async handle(p) {
        const arn = reqString(p, "LoadBalancerArn");
        await store.write(async (tx) => {
          const lb = await tx.loadBalancing.loadBalancer(arn);
          // ELB: deleting a load balancer that does not exist (or no longer) succeeds.
          if (!lb) return;
          if (lb.attributes["deletion_protection.enabled"] === "true") throw new AwsError("OperationNotPermitted", `Load balancer '${lb.arn}' cannot be deleted because deletion protection is enabled`);
          for (const l of await tx.loadBalancing.listeners(arn)) {
            for (const r of await tx.loadBalancing.rules(l.arn)) await tx.loadBalancing.remove(r.arn);
            await tx.loadBalancing.remove(l.arn);
          }
          await tx.loadBalancing.remove(arn);
          await tx.tags.remove(arn, (await tx.tags.list(arn)).map((t) => t.key ?? ""));
        });
        deps.dataPlane.changed();
        return {};
      },
    },
    DescribeLoadBalancerAttributes: {
      async handle(p) {
        const lb = await store.read((tx) => mustLoadBalancer(tx, reqString(p, "LoadBalancerArn")));
        return { Attributes: attributesView(lb.attributes) };
      },
    },
    ModifyLoadBalancerAttributes: {
      async handle(p) {
        const arn = reqString(p, "LoadBalancerArn");
        const changes = checkAttributes(attributesOf(p), loadBalancerAttributeRules);
        const lb = await store.write(async (tx) => {
          const current = await mustLoadBalancer(tx, arn);
          const next = { ...current, attributes: { ...current.attributes, ...changes } };
          await tx.loadBalancing.putLoadBalancer(next);
          return next;
        });
        deps.dataPlane.changed();
        return { Attributes: attributesView(lb.attributes) };
      },
    },
  };
}

const loadBalancerAttributeRules = {
  "idle_timeout.timeout_seconds": { min: 1, max: 4000 },
  "deletion_protection.enabled": "boolean",
  "routing.http2.enabled": "boolean",
  "routing.http.drop_invalid_header_fields.enabled": "boolean",
  "routing.http.xff_header_processing.mode": ["append", "preserve", "remove"],
  "load_balancing.cross_zone.enabled": "boolean",
  "access_logs.s3.enabled": "boolean",
} as const;
