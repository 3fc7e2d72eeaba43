import type { APIErrorType, BatchGetSecretValueRequest } from "@aws-sdk/client-secrets-manager";
import { BatchGetSecretValueRequest$ } from "../../aws-sdk/secrets-manager.js";
import { secretsPage, type PageKey } from "../../domain/secrets/listing.js";
import { unresolvedArn, type SecretRef } from "../../domain/secrets/secret-id.js";
import type { SecretRecord } from "../../domain/secrets/secret.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import { keyToken } from "../pagination.js";
import { recordReads, type Read } from "./access.js";
import { checkLength, decodeToken, maxResultsOf, secretRefOf } from "./checks.js";
import type { SecretsManagerDeps } from "./deps.js";
import { checkFilters, listedSecrets } from "./list.js";
import { markedForDeletion, secretNotFound } from "./errors.js";
import { findSecret } from "./lookup.js";
import { pickVersion, readValue, type SecretValueAnswer } from "./values.js";

const isPageKey = (k: unknown): k is PageKey => Array.isArray(k) && k.length === 2 && typeof k[0] === "number" && typeof k[1] === "string";

/** IAM's refusal of GetSecretValue on `arn` for this caller (the front door always says; without it, nobody is allowed). */
const refusal = (ctx: RequestContext, action: string, resource: string): Promise<string | undefined> =>
  ctx.refusalOf ? ctx.refusalOf({ action, resource }) : Promise.resolve(`Not authorized to perform: ${action} on resource: ${resource}`);

/**
 * BatchGetSecretValue: up to 20 secrets' current values, named (SecretIdList) or found by filters
 * (ListSecrets' order and paging). What goes wrong with one secret (not found, scheduled for
 * deletion, no GetSecretValue permission on it) is an entry of Errors, not a failure of the call.
 */
export function batchOperation({ store, box }: SecretsManagerDeps): Record<string, Operation> {
  return {
    BatchGetSecretValue: operation<BatchGetSecretValueRequest>(BatchGetSecretValueRequest$, async (input, ctx) => {
      const named = input.SecretIdList;
      if ((named === undefined) === (input.Filters === undefined)) throw new AwsError("InvalidParameterException", "Either 'SecretIdList' or 'Filters' must be provided, but not both.");
      if (input.MaxResults !== undefined && input.Filters === undefined) throw new AwsError("InvalidParameterException", "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.");
      let ids: readonly { readonly id: string; readonly ref?: SecretRef; readonly secret?: SecretRecord }[];
      let next: string | undefined;
      if (named !== undefined) {
        ids = checkLength(named, "secretIdList", 1, 20).map((id) => ({ id, ref: secretRefOf(id, ctx.partition) }));
      } else {
        const filters = checkFilters(input.Filters ?? []);
        const limit = maxResultsOf(input.MaxResults, 20);
        const from = decodeToken(input.NextToken, isPageKey);
        const listing = await refusal(ctx, "secretsmanager:ListSecrets", "*");
        if (listing !== undefined) throw new AwsError("AccessDeniedException", listing);
        const page = secretsPage(await listedSecrets(store, filters, ctx.nowMs, ctx.partition.region, false), { by: "created-date", order: "asc" }, limit, from);
        ids = page.items.map((secret) => ({ id: secret.arn, secret }));
        next = page.next === undefined ? undefined : keyToken(page.next);
      }
      const values: SecretValueAnswer[] = [];
      const errors: APIErrorType[] = [];
      const reads: Read[] = [];
      for (const { id, ref, secret: listed } of ids) {
        try {
          const read = await store.read(async (tx) => {
            const found = ref ? await findSecret(tx, ref, ctx.nowMs) : listed;
            // Authorized first, as GetSecretValue is: who may not read a secret does not learn whether it exists.
            const denied = await refusal(ctx, "secretsmanager:GetSecretValue", found?.arn ?? (ref ? unresolvedArn(ref, ctx.partition) : id));
            if (denied !== undefined) throw new AwsError("AccessDeniedException", denied);
            if (!found) throw secretNotFound();
            if (found.deletedMs !== undefined) throw markedForDeletion();
            return { secret: found, answer: await readValue(tx, box, found, pickVersion(found, undefined, undefined)) };
          });
          values.push(read.answer);
          reads.push({ secret: read.secret, versionId: read.answer.VersionId! });
        } catch (e) {
          // An AwsError is this secret's answer; anything else is Berth's fault, and fails the call.
          if (!(e instanceof AwsError)) throw e;
          errors.push({ SecretId: id, ErrorCode: e.code, Message: e.message });
        }
      }
      await recordReads(store, reads, ctx.nowMs);
      return { SecretValues: values, Errors: errors, NextToken: next };
    }),
  };
}
