import type { Filter, ListSecretsRequest } from "@aws-sdk/client-secrets-manager";
import { ListSecretsRequest$ } from "../../aws-sdk/secrets-manager.js";
import { filterKeys, matchesFilters, type FilterKey, type SecretFilter } from "../../domain/secrets/filters.js";
import { secretsPage, type PageKey, type SortBy, type SortOrder } from "../../domain/secrets/listing.js";
import { isPurged, type SecretRecord } from "../../domain/secrets/secret.js";
import type { Store } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import { keyToken } from "../pagination.js";
import { checkLength, decodeToken, invalidMember, maxResultsOf } from "./checks.js";
import type { SecretsManagerDeps } from "./deps.js";
import { listEntry } from "./views.js";

/** The characters a filter value may hold (the model's pattern), after an optional leading `!`. */
const filterValuePattern = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

const isFilterKey = (k: string): k is FilterKey => (filterKeys as readonly string[]).includes(k);

/** ListSecrets' and BatchGetSecretValue's Filters, checked against the model: at most 10, each with 1 to 10 values. */
export function checkFilters(filters: readonly Filter[]): SecretFilter[] {
  checkLength(filters, "filters", 0, 10);
  return filters.map((f, i) => {
    const at = `filters.${i + 1}.member`;
    const key = f.Key ?? "";
    if (!isFilterKey(key)) throw invalidMember(`${at}.key`, `Member must satisfy enum value set: [${filterKeys.join(", ")}]`, key);
    const values = checkLength(f.Values ?? [], `${at}.values`, 1, 10).map((v, j) => {
      checkLength(v, `${at}.values.${j + 1}.member`, 1, 512);
      if (!filterValuePattern.test(v)) throw invalidMember(`${at}.values.${j + 1}.member`, "Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$", v);
      return v;
    });
    return { key, values };
  });
}

const sortBys: readonly SortBy[] = ["created-date", "last-accessed-date", "last-changed-date", "name"];
const sortOrders: readonly SortOrder[] = ["asc", "desc"];
const isPageKey = (k: unknown): k is PageKey => Array.isArray(k) && k.length === 2 && (typeof k[0] === "number" || typeof k[0] === "string") && typeof k[1] === "string";

/** The region's secrets that a listing shows: never those deleted for good, those scheduled for deletion only when asked. */
export async function listedSecrets(store: Store, filters: readonly SecretFilter[], nowMs: number, region: string, includeDeleted: boolean): Promise<SecretRecord[]> {
  const all = await store.read((tx) => tx.secrets.list());
  return all.filter((s) => !isPurged(s, nowMs) && (includeDeleted || s.deletedMs === undefined) && matchesFilters(s, filters, region));
}

/** ListSecrets: the secrets' metadata (never values), filtered, sorted and paged in memory. */
export function listOperation({ store }: SecretsManagerDeps): Record<string, Operation> {
  return {
    ListSecrets: operation<ListSecretsRequest>(ListSecretsRequest$, async (input, ctx) => {
      const limit = maxResultsOf(input.MaxResults, 100);
      const filters = checkFilters(input.Filters ?? []);
      const by = input.SortBy ?? "created-date";
      if (!sortBys.includes(by)) throw invalidMember("sortBy", `Member must satisfy enum value set: [${sortBys.join(", ")}]`, by);
      const order = input.SortOrder ?? "asc";
      if (!sortOrders.includes(order)) throw invalidMember("sortOrder", `Member must satisfy enum value set: [${sortOrders.join(", ")}]`, order);
      const from = decodeToken(input.NextToken, isPageKey);
      const secrets = await listedSecrets(store, filters, ctx.nowMs, ctx.partition.region, input.IncludePlannedDeletion === true);
      const page = secretsPage(secrets, { by, order }, limit, from);
      return { SecretList: page.items.map(listEntry), NextToken: page.next === undefined ? undefined : keyToken(page.next) };
    }),
  };
}
