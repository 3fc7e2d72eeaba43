import type { DescribeServiceDeploymentsRequest, DescribeServiceRevisionsRequest, Failure, ListServiceDeploymentsRequest, ServiceDeployment, ServiceRevision, StopServiceDeploymentRequest } from "@aws-sdk/client-ecs";
import { DescribeServiceDeploymentsRequest$, DescribeServiceRevisionsRequest$, ListServiceDeploymentsRequest$, StopServiceDeploymentRequest$ } from "../../aws-sdk/ecs.js";
import type { Partition } from "../../domain/arn.js";
import { activeCluster } from "../../domain/lookups.js";
import type { ServiceRecord } from "../../domain/service.js";
import { finishedStatuses, parseHistoryArn } from "../../domain/service-deployment.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ReadTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcsDeps } from "./deps.js";
import { serviceDeploymentViews } from "./service-deployment-view.js";

const statuses = new Set(["PENDING", "SUCCESSFUL", "STOPPED", "STOP_REQUESTED", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"]);

/**
 * Service deployments and revisions (domain/service-deployment.ts): read from the service record,
 * where the service scheduler keeps them (controller/services/history-rules.ts). StopServiceDeployment
 * only records the request; the scheduler rolls back as its circuit breaker does.
 */
export function serviceDeploymentOperations({ store }: EcsDeps): Record<string, Operation> {
  return {
    ListServiceDeployments: operation<ListServiceDeploymentsRequest>(ListServiceDeploymentsRequest$, (input, ctx) => {
      for (const s of input.status ?? []) {
        if (!statuses.has(s)) throw invalidParameter(`status ${excerpt(s, 40)} is not a service deployment status: use one of ${[...statuses].join(", ")}.`);
      }
      const page = pageRequest(input, { defaultLimit: 20, maxLimit: 100 });
      return store.read(async (tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        const service = await tx.services.get(cluster.name, (input.service ?? "").split("/").at(-1) ?? "");
        if (!service) throw new AwsError("ServiceNotFoundException", "Service not found.");
        const after = timeMs(input.createdAt?.after, "createdAt.after");
        const before = timeMs(input.createdAt?.before, "createdAt.before");
        const matching = (service.serviceDeployments ?? []).filter(
          (h) =>
            ((input.status ?? []).length === 0 || (input.status ?? []).includes(h.status)) &&
            (after === undefined || h.createdAtMs >= after) &&
            (before === undefined || h.createdAtMs <= before),
        );
        const start = page.after === undefined ? 0 : matching.findIndex((h) => h.id === page.after) + 1;
        const shown = matching.slice(start, start + page.limit);
        const view = serviceDeploymentViews(ctx.partition, service);
        return {
          serviceDeployments: shown.map(view.brief),
          nextToken: start + page.limit < matching.length ? encodeToken(shown.at(-1)?.id) : undefined,
        };
      });
    }),

    DescribeServiceDeployments: operation<DescribeServiceDeploymentsRequest>(DescribeServiceDeploymentsRequest$, (input, ctx) => {
      const arns = checkArns(input.serviceDeploymentArns, "serviceDeploymentArns");
      return store.read(async (tx) => {
        const serviceDeployments: ServiceDeployment[] = [];
        const failures: Failure[] = [];
        for (const arn of arns) {
          const found = await findIn(tx, ctx.partition, arn, "service-deployment");
          const h = found?.service.serviceDeployments?.find((x) => x.id === found.id);
          if (found && h) serviceDeployments.push(serviceDeploymentViews(ctx.partition, found.service).full(h));
          else failures.push({ arn, reason: "MISSING" });
        }
        return { serviceDeployments, failures };
      });
    }),

    DescribeServiceRevisions: operation<DescribeServiceRevisionsRequest>(DescribeServiceRevisionsRequest$, (input, ctx) => {
      const arns = checkArns(input.serviceRevisionArns, "serviceRevisionArns");
      return store.read(async (tx) => {
        const serviceRevisions: ServiceRevision[] = [];
        const failures: Failure[] = [];
        for (const arn of arns) {
          const found = await findIn(tx, ctx.partition, arn, "service-revision");
          const r = found?.service.serviceRevisions?.find((x) => x.id === found.id);
          if (found && r) serviceRevisions.push(serviceDeploymentViews(ctx.partition, found.service).revision(r));
          else failures.push({ arn, reason: "MISSING" });
        }
        return { serviceRevisions, failures };
      });
    }),

    StopServiceDeployment: operation<StopServiceDeploymentRequest>(StopServiceDeploymentRequest$, (input, ctx) => {
      const arn = input.serviceDeploymentArn ?? "";
      if (input.stopType !== undefined && input.stopType !== "ROLLBACK") {
        throw invalidParameter(`stopType ${excerpt(input.stopType, 40)} is not supported: the valid value is ROLLBACK.`);
      }
      if (parseHistoryArn(arn, "service-deployment") === undefined) {
        throw invalidParameter(`serviceDeploymentArn ${excerpt(arn, 255)} is not a service deployment ARN (arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>).`);
      }
      return store.write(async (tx) => {
        const found = await findIn(tx, ctx.partition, arn, "service-deployment");
        const h = found?.service.serviceDeployments?.find((x) => x.id === found.id);
        if (!found || !h) throw new AwsError("ServiceDeploymentNotFoundException", `The service deployment ${excerpt(arn, 255)} does not exist.`);
        // Already stopping or rolling back: the request goes on as it is (the developer guide).
        if (h.rollbackRequestedAtMs !== undefined || h.status === "ROLLBACK_IN_PROGRESS" || h.status === "STOP_REQUESTED") return { serviceDeploymentArn: arn };
        if (finishedStatuses.has(h.status)) {
          throw new AwsError("ConflictException", `The service deployment is ${h.status}: only a PENDING or IN_PROGRESS service deployment can be stopped.`);
        }
        if (found.service.status !== "ACTIVE") throw new AwsError("ServiceNotActiveException", "Service was not ACTIVE.");
        if (found.service.lastCompleted === undefined) {
          throw invalidParameter("The service deployment has no earlier service revision that completed to roll back to.");
        }
        const next: ServiceRecord = {
          ...found.service,
          serviceDeployments: (found.service.serviceDeployments ?? []).map((x) =>
            x.id === h.id ? { ...x, rollbackRequestedAtMs: ctx.nowMs, status: "ROLLBACK_REQUESTED" as const, updatedAtMs: ctx.nowMs } : x,
          ),
          version: found.service.version + 1,
        };
        await tx.services.put(next);
        return { serviceDeploymentArn: arn };
      });
    }),
  };
}

/** A timestamp member as the JSON front door hands it over: epoch seconds (the SDK's type says Date). */
function timeMs(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const ms = v instanceof Date ? v.getTime() : typeof v === "number" ? v * 1000 : typeof v === "string" ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalidParameter(`${name} must be a timestamp (seconds since the epoch).`);
  return ms;
}

function checkArns(arns: readonly string[] | undefined, name: string): readonly string[] {
  const list = arns ?? [];
  if (list.length < 1 || list.length > 20) throw invalidParameter(`${name} must list from 1 to 20 ARNs; got ${list.length}.`);
  return list;
}

/** The service a service-deployment or service-revision ARN of this region and account names, and the id it ends with. */
async function findIn(
  tx: ReadTx,
  p: Partition,
  arn: string,
  kind: "service-deployment" | "service-revision",
): Promise<{ service: ServiceRecord; id: string } | undefined> {
  const parsed = parseHistoryArn(arn, kind);
  if (!parsed || parsed.region !== p.region || parsed.accountId !== p.accountId) return undefined;
  const service = await tx.services.get(parsed.cluster, parsed.service);
  return service ? { service, id: parsed.id } : undefined;
}
