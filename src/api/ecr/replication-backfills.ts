import type { DescribeReplicationBackfillResultsRequest, ListReplicationBackfillsRequest, ReplicationBackfillResult, ReplicationBackfillSummary, StartReplicationBackfillRequest, StopReplicationBackfillRequest } from "@aws-sdk/client-ecr";
import { DescribeReplicationBackfillResultsRequest$, ListReplicationBackfillsRequest$, StartReplicationBackfillRequest$, StopReplicationBackfillRequest$ } from "../../aws-sdk/ecr.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import type { Backfill } from "../../registry/replication/backfill.js";
import { isTerminal } from "../../registry/replication/backfill.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcrDeps } from "./deps.js";
import { pageOf } from "./images.js";

const notFound = (id: string) => new AwsError("ReplicationBackfillNotFoundException", `The replication backfill with id '${id.slice(0, 64)}' does not exist in the registry.`);

function checkRegistry(registryId: string | undefined, ctx: RequestContext): string {
  if (registryId !== undefined && registryId !== ctx.partition.accountId) {
    throw invalidParameter(`The registry '${registryId.slice(0, 20)}' is not this account's: a backfill runs in your own registry (${ctx.partition.accountId}).`);
  }
  return ctx.partition.accountId;
}

function summary(b: Backfill, registryId: string): ReplicationBackfillSummary {
  const failed = b.results.filter((r) => r.status === "FAILED");
  return {
    replicationBackfillId: b.id,
    destination: { region: b.region, registryId },
    status: b.status,
    ...(b.failureCode !== undefined && { failureCode: b.failureCode }),
    progress: {
      totalReplicationCount: b.total,
      completedReplicationCount: b.results.length - failed.length,
      failedReplicationCount: failed.length,
      failureCodes: [...new Set(failed.map((r) => r.failureCode ?? "INTERNAL_ERROR"))],
    },
    startedAt: new Date(b.startedAtMs),
    ...(b.endedAtMs !== undefined && { endedAt: new Date(b.endedAtMs) }),
  };
}

/**
 * Replication backfills: Start, Stop, List and DescribeReplicationBackfillResults over the
 * replicator's backfills (`registry/replication/backfill.ts`). Per-image results appear once the
 * backfill has ended, as ECR documents.
 */
export function replicationBackfillOperations({ replicator }: EcrDeps): Record<string, Operation> {
  const backfills = {
    start: (region: string) => replicator.backfills.start(region),
    stop: (id: string) => replicator.backfills.stop(id),
    list: () => replicator.backfills.list(),
    get: (id: string) => replicator.backfills.get(id),
  };
  return {
    StartReplicationBackfill: operation<StartReplicationBackfillRequest>(StartReplicationBackfillRequest$, async (input, ctx) => {
      const registryId = checkRegistry(input.registryId, ctx);
      const region = input.destination?.region ?? "";
      if (input.destination?.registryId !== undefined && input.destination.registryId !== registryId) {
        throw invalidParameter("Replication backfills copy within this account: destination.registryId must be your own account.");
      }
      const r = await backfills.start(region);
      if (!r.ok && r.reason === "in-progress") {
        throw new AwsError("ReplicationBackfillInProgressException", `The replication backfill '${r.id ?? ""}' is in progress for the region '${region}': wait for it to end or stop it with StopReplicationBackfill.`);
      }
      if (!r.ok) throw invalidParameter(`The region '${region.slice(0, 32)}' is not a destination of the registry's replication configuration: add it with PutReplicationConfiguration first.`);
      const s = summary(r.backfill, registryId);
      return { replicationBackfillId: s.replicationBackfillId, registryId, destination: s.destination, status: s.status, startedAt: s.startedAt };
    }),

    StopReplicationBackfill: operation<StopReplicationBackfillRequest>(StopReplicationBackfillRequest$, (input, ctx) => {
      const registryId = checkRegistry(input.registryId, ctx);
      const id = input.replicationBackfillId ?? "";
      const r = backfills.stop(id);
      if (!r.ok && r.reason === "not-found") throw notFound(id);
      if (!r.ok) throw new AwsError("ReplicationBackfillInvalidStatusException", `The replication backfill '${id}' has already ended (${r.reason === "terminal" ? r.status : ""}): only a backfill in progress can be stopped.`);
      const s = summary(r.backfill, registryId);
      return Promise.resolve({ registryId, replicationBackfillId: s.replicationBackfillId, destination: s.destination, status: s.status, startedAt: s.startedAt });
    }),

    ListReplicationBackfills: operation<ListReplicationBackfillsRequest>(ListReplicationBackfillsRequest$, (input, ctx) => {
      const registryId = checkRegistry(input.registryId, ctx);
      const page = pageRequest(input, { defaultLimit: 25, maxLimit: 50 });
      const all = backfills.list();
      // Newest first: the key orders by start time descending, then id.
      const key = (b: Backfill) => `${String(Number.MAX_SAFE_INTEGER - b.startedAtMs).padStart(16, "0")} ${b.id}`;
      const { items, nextAfter } = pageOf(all, key, page);
      return Promise.resolve({ registryId, backfills: items.map((b) => summary(b, registryId)), nextToken: encodeToken(nextAfter) });
    }),

    DescribeReplicationBackfillResults: operation<DescribeReplicationBackfillResultsRequest>(DescribeReplicationBackfillResultsRequest$, (input, ctx) => {
      const registryId = checkRegistry(input.registryId, ctx);
      const id = input.replicationBackfillId ?? "";
      const b = backfills.get(id);
      if (b === undefined) throw notFound(id);
      const page = pageRequest(input, { defaultLimit: 100, maxLimit: 1000 });
      const filter = input.resultStatusFilter;
      if (filter !== undefined && filter !== "COMPLETE" && filter !== "FAILED") throw invalidParameter("resultStatusFilter must be COMPLETE or FAILED.");
      const results: ReplicationBackfillResult[] = isTerminal(b.status)
        ? b.results
            .filter((r) => filter === undefined || r.status === filter)
            .map((r) => ({ repositoryName: r.repository, imageId: { imageDigest: r.digest, ...(r.tag !== undefined && { imageTag: r.tag }) }, status: r.status, ...(r.failureCode !== undefined && { failureCode: r.failureCode }) }))
        : [];
      const { items, nextAfter } = pageOf(results, (r) => `${r.repositoryName ?? ""} ${r.imageId?.imageDigest ?? ""}`, page);
      const { replicationBackfillId, destination, status, failureCode, progress, startedAt, endedAt } = summary(b, registryId);
      return Promise.resolve({ registryId, replicationBackfillId, destination, status, failureCode, progress, results: items, startedAt, endedAt, nextToken: encodeToken(nextAfter) });
    }),
  };
}
