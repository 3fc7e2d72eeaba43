import type { RegistryScanningConfiguration, RepositoryScanningConfiguration, ScanningRepositoryFilter } from "@aws-sdk/client-ecr";
import { invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";

/**
 * The registry's scanning configuration (Put/GetRegistryScanningConfiguration) and what it means for
 * one repository (BatchGetRepositoryScanningConfiguration). Pure. Berth stores and answers it as ECR
 * does; it has no scanner, so no scan ever runs (see `api/ecr/scanning.ts`).
 */

export interface ScanningRule {
  readonly scanFrequency: "SCAN_ON_PUSH" | "CONTINUOUS_SCAN" | "MANUAL";
  readonly filters: readonly string[];
}

export interface ScanningConfiguration {
  readonly scanType: "BASIC" | "ENHANCED";
  readonly rules: readonly ScanningRule[];
}

export const defaultScanning: ScanningConfiguration = { scanType: "BASIC", rules: [] };

const filterPattern = /^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$/;
const frequencies = ["SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL"] as const;

/** Checks PutRegistryScanningConfiguration's input as ECR does: at most 2 rules, WILDCARD filters, CONTINUOUS_SCAN only with ENHANCED. */
export function checkScanning(input: RegistryScanningConfiguration): ScanningConfiguration {
  const scanType = input.scanType ?? "BASIC";
  if (scanType !== "BASIC" && scanType !== "ENHANCED") throw invalidParameter(`Invalid parameter at 'scanType': must be BASIC or ENHANCED`);
  const rules = input.rules ?? [];
  if (rules.length > 2) throw invalidParameter("Invalid parameter at 'rules' failed to satisfy constraint: 'Member must have length less than or equal to 2'");
  return {
    scanType,
    rules: rules.map((rule, i): ScanningRule => {
      const scanFrequency = frequencies.find((f) => f === rule.scanFrequency);
      if (scanFrequency === undefined) throw invalidParameter(`Invalid parameter at 'rules.${i + 1}.scanFrequency': must be one of ${frequencies.join(", ")}`);
      if (scanFrequency === "CONTINUOUS_SCAN" && scanType === "BASIC") throw invalidParameter("CONTINUOUS_SCAN is a scan frequency of ENHANCED scanning only; BASIC scanning supports SCAN_ON_PUSH and MANUAL.");
      const filters = rule.repositoryFilters ?? [];
      if (filters.length < 1 || filters.length > 100) throw invalidParameter(`Invalid parameter at 'rules.${i + 1}.repositoryFilters': give 1 to 100 filters`);
      return {
        scanFrequency,
        filters: filters.map((f, j) => {
          if (f.filterType !== "WILDCARD") throw invalidParameter(`Invalid parameter at 'rules.${i + 1}.repositoryFilters.${j + 1}.filterType': must be WILDCARD`);
          const filter = f.filter ?? "";
          if (filter.length > 255 || !filterPattern.test(filter)) throw invalidParameter(`Invalid parameter at 'rules.${i + 1}.repositoryFilters.${j + 1}.filter': '${excerpt(filter, 255)}' is not a repository filter (lowercase letters, digits, . _ - / and the wildcard *)`);
          return filter;
        }),
      };
    }),
  };
}

export const toEcrScanning = (c: ScanningConfiguration): RegistryScanningConfiguration => ({
  scanType: c.scanType,
  rules: c.rules.map((r) => ({ scanFrequency: r.scanFrequency, repositoryFilters: r.filters.map(wildcard) })),
});

const wildcard = (filter: string): ScanningRepositoryFilter => ({ filter, filterType: "WILDCARD" });
const matches = (filter: string, name: string) => new RegExp(`^${filter.split("*").map((p) => p.replace(/[.\\/-]/g, "\\$&")).join(".*")}$`).test(name);

/** A repository's effective scanning: the first registry rule whose filters match it (ECR's order), else its own scanOnPush. */
export function repositoryScanning(c: ScanningConfiguration, repository: { name: string; arn: string; scanOnPush: boolean }): RepositoryScanningConfiguration {
  for (const rule of c.rules) {
    const applied = rule.filters.filter((f) => matches(f, repository.name));
    if (applied.length > 0) {
      return { repositoryArn: repository.arn, repositoryName: repository.name, scanOnPush: rule.scanFrequency === "SCAN_ON_PUSH", scanFrequency: rule.scanFrequency, appliedScanFilters: applied.map(wildcard) };
    }
  }
  return { repositoryArn: repository.arn, repositoryName: repository.name, scanOnPush: repository.scanOnPush, scanFrequency: repository.scanOnPush ? "SCAN_ON_PUSH" : "MANUAL", appliedScanFilters: [] };
}

export const storedScanning = (c: ScanningConfiguration): string => JSON.stringify(c);

/** Berth's own stored text (written by {@link storedScanning}), checked again as it is read. */
export function parseStoredScanning(text: string | undefined): ScanningConfiguration {
  if (text === undefined) return defaultScanning;
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null || !("scanType" in value) || !("rules" in value) || !Array.isArray(value.rules)) return defaultScanning;
  const rules = (value.rules as unknown[]).flatMap((r) =>
    typeof r === "object" && r !== null && "scanFrequency" in r && "filters" in r && Array.isArray(r.filters)
      ? [{ scanFrequency: String(r.scanFrequency), repositoryFilters: (r.filters as unknown[]).map((f) => wildcard(String(f))) }]
      : [],
  );
  return checkScanning({ scanType: value.scanType === "ENHANCED" ? "ENHANCED" : "BASIC", rules: rules as RegistryScanningConfiguration["rules"] });
}
