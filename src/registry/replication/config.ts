import type { ReplicationConfiguration } from "@aws-sdk/client-ecr";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { awsRegions } from "../../domain/regions.js";

/**
 * The registry's replication configuration (PutReplicationConfiguration, DescribeRegistry): which
 * repositories' images are copied to which regions. Pure: checking a configuration and choosing a
 * push's destinations.
 */

/** A rule as Berth keeps it: destination regions, and the repository name prefixes it applies to (none: every repository). */
export interface ReplicationRule {
  readonly regions: readonly string[];
  readonly prefixes: readonly string[];
}

export interface Replication {
  readonly rules: readonly ReplicationRule[];
}

/** ECR's quotas: 10 rules, 25 destinations over all rules, 100 filters per rule. */
const maxRules = 10;
const maxDestinations = 25;
const maxFilters = 100;
const filterPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*\/?$/;

export interface Home {
  readonly region: string;
  readonly accountId: string;
}

/**
 * Checks a configuration as ECR does and returns Berth's form of it. A destination must be another
 * region of this account: the same region is refused as ECR refuses it, and another account's
 * registry is refused because a Berth server holds one account.
 */
export function checkReplication(config: ReplicationConfiguration, home: Home): Replication {
  const rules = config.rules ?? [];
  if (rules.length > maxRules) throw invalidParameter(`Invalid parameter at 'replicationConfiguration.rules' failed to satisfy constraint: 'Member must have length less than or equal to ${maxRules}'`);
  let destinations = 0;
  const checked = rules.map((rule, i): ReplicationRule => {
    const at = `replicationConfiguration.rules.${i + 1}`;
    const dests = rule.destinations ?? [];
    if (dests.length === 0) throw invalidParameter(`Invalid parameter at '${at}.destinations' failed to satisfy constraint: 'Member must have length greater than or equal to 1'`);
    destinations += dests.length;
    const regions = dests.map((d, j) => {
      const where = `${at}.destinations.${j + 1}`;
      const region = d.region ?? "";
      if (!awsRegions.has(region)) throw invalidParameter(`Invalid parameter at '${where}.region': '${excerpt(region, 25)}' is not a region of the aws partition`);
      if (d.registryId !== home.accountId) {
        throw invalidParameter(`Invalid parameter at '${where}.registryId': cross-account replication to '${excerpt(d.registryId ?? "", 12)}' is not supported by Berth, which serves one account (${home.accountId}); name your own account ID`);
      }
      if (region === home.region) throw invalidParameter(`Invalid parameter at '${where}': replication destination cannot be the source registry's own region (${region})`);
      return region;
    });
    if (new Set(regions).size !== regions.length) throw invalidParameter(`Invalid parameter at '${at}.destinations': a destination is named more than once`);
    const filters = rule.repositoryFilters ?? [];
    if (filters.length > maxFilters) throw invalidParameter(`Invalid parameter at '${at}.repositoryFilters' failed to satisfy constraint: 'Member must have length less than or equal to ${maxFilters}'`);
    const prefixes = filters.map((f, j) => {
      const where = `${at}.repositoryFilters.${j + 1}`;
      if (f.filterType !== "PREFIX_MATCH") throw invalidParameter(`Invalid parameter at '${where}.filterType': must be PREFIX_MATCH`);
      const filter = f.filter ?? "";
      if (filter.length < 2 || filter.length > 256 || !filterPattern.test(filter)) {
        throw invalidParameter(`Invalid parameter at '${where}.filter': '${excerpt(filter, 256)}' is not a repository name prefix (2 to 256 characters, lowercase letters, digits, and . _ - / between them)`);
      }
      return filter;
    });
    return { regions, prefixes };
  });
  if (destinations > maxDestinations) throw invalidParameter(`Invalid parameter at 'replicationConfiguration.rules': at most ${maxDestinations} destinations in all rules, ${destinations} given`);
  return { rules: checked };
}

/** The configuration in ECR's shape, for DescribeRegistry and PutReplicationConfiguration's answer. */
export function toEcrReplication(replication: Replication, accountId: string): ReplicationConfiguration {
  return {
    rules: replication.rules.map((r) => ({
      destinations: r.regions.map((region) => ({ region, registryId: accountId })),
      ...(r.prefixes.length > 0 && { repositoryFilters: r.prefixes.map((filter) => ({ filter, filterType: "PREFIX_MATCH" as const })) }),
    })),
  };
}

/** The regions an image pushed to `repository` goes to: every rule whose filters match (no filters: all), each region once. */
export function destinationsFor(replication: Replication, repository: string): string[] {
  const regions = new Set<string>();
  for (const rule of replication.rules) {
    if (rule.prefixes.length === 0 || rule.prefixes.some((p) => repository.startsWith(p))) for (const r of rule.regions) regions.add(r);
  }
  return [...regions];
}

/** Berth's stored text of a configuration (its own, written by {@link storedReplication}); anything else reads as no rules. */
export function parseStoredReplication(text: string | undefined): Replication {
  if (text === undefined) return { rules: [] };
  const value: unknown = JSON.parse(text);
  const rules = typeof value === "object" && value !== null && "rules" in value && Array.isArray(value.rules) ? (value.rules as unknown[]) : [];
  return {
    rules: rules.flatMap((r): ReplicationRule[] => {
      if (typeof r !== "object" || r === null || !("regions" in r) || !("prefixes" in r)) return [];
      const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
      return [{ regions: strings(r.regions), prefixes: strings(r.prefixes) }];
    }),
  };
}

export const storedReplication = (replication: Replication): string => JSON.stringify(replication);
