import type { ParameterStringFilter, ParametersFilter } from "@aws-sdk/client-ssm";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { parentPath, type ParameterRecord } from "../../state/parameter-records.js";
import { checkPath } from "./names.js";

/** Which operation the filters are for: each takes its own keys. */
export type FilterUse = "DescribeParameters" | "GetParametersByPath";

const validKeys: Record<FilterUse, readonly string[]> = {
  DescribeParameters: ["Path", "Name", "Type", "KeyId", "Tier", "DataType", "tag:<key>"],
  GetParametersByPath: ["Type", "KeyId", "Label"],
};

/** A filter as checked: its key, option and values (none for a `tag:` filter that asks only that the tag exists). */
interface Filter {
  readonly key: string;
  readonly option: string;
  readonly values: readonly string[];
}

/** What filters ask of a listing: a predicate on each parameter, the labels its versions must carry (Label), and, with one Path, where to look. */
export interface ParameterSelection {
  readonly matches: (p: ParameterRecord) => boolean;
  readonly labels?: readonly string[] | undefined;
  readonly path?: { readonly path: string; readonly recursive: boolean } | undefined;
}

const validation = (message: string): AwsError => new AwsError("ValidationException", message);
const invalidKey = (key: string, use: FilterUse): AwsError =>
  new AwsError("InvalidFilterKey", `The following filter key is not valid: ${excerpt(key, 132)}. Valid filter keys include: [${validKeys[use].join(", ")}].`);

/** DescribeParameters' older `Filters` as the `ParameterFilters` they stand for: Name begins with, Type and KeyId equal. */
export function fromLegacyFilters(filters: readonly ParametersFilter[]): ParameterStringFilter[] {
  return filters.map((f, i) => {
    const key = String(f.Key);
    if (key !== "Name" && key !== "Type" && key !== "KeyId") {
      throw validation(`1 validation error detected: Value '${excerpt(key, 64)}' at 'filters.${i + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [Name, Type, KeyId]`);
    }
    return { Key: key, Option: key === "Name" ? "BeginsWith" : "Equals", Values: f.Values };
  });
}

/**
 * Checks `ParameterFilters` as Parameter Store does (the model's constraints, then each key's
 * options and values, InvalidFilterKey/Option/Value) and compiles them into a selection: every
 * filter must match, any of a filter's values.
 */
export function compileFilters(given: readonly ParameterStringFilter[], use: FilterUse): ParameterSelection {
  const filters = given.map((f, i) => checkFilter(f, i + 1, use));
  const seen = new Set<string>();
  for (const f of filters) {
    if (seen.has(f.key)) throw new AwsError("InvalidFilterKey", `The following filter is duplicated in the request: ${excerpt(f.key, 132)}. A request can contain only one occurrence of a specific filter.`);
    seen.add(f.key);
  }
  const predicates = filters.filter((f) => f.key !== "Label").map(predicateOf);
  const label = filters.find((f) => f.key === "Label");
  const paths = filters.find((f) => f.key === "Path");
  return {
    matches: (p) => predicates.every((m) => m(p)),
    labels: label?.values,
    path: paths?.values.length === 1 ? { path: paths.values[0]!, recursive: paths.option === "Recursive" } : undefined,
  };
}

function checkFilter(f: ParameterStringFilter, n: number, use: FilterUse): Filter {
  const key = f.Key ?? "";
  const at = `parameterFilters.${n}.member`;
  if (key.length < 1 || key.length > 132 || !/^(tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType)$/s.test(key)) {
    throw validation(`1 validation error detected: Value '${excerpt(key, 132)}' at '${at}.key' failed to satisfy constraint: Member must satisfy regular expression pattern: tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType`);
  }
  const values = f.Values ?? [];
  if (values.length > 50) throw validation(`1 validation error detected: Value at '${at}.values' failed to satisfy constraint: Member must have length less than or equal to 50`);
  if (values.some((v) => v.length < 1 || v.length > 1024)) {
    throw validation(`1 validation error detected: Value at '${at}.values' failed to satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1]`);
  }
  const allowed = use === "GetParametersByPath" ? ["Type", "KeyId", "Label"].includes(key) : key !== "Label";
  if (!allowed) throw invalidKey(key, use);
  const option = f.Option ?? (key === "Path" ? "OneLevel" : "Equals");
  const options = key === "Path" ? ["Recursive", "OneLevel"] : key === "Label" ? ["Equals"] : key === "Name" ? ["Equals", "BeginsWith", "Contains"] : ["Equals", "BeginsWith"];
  if (!options.includes(option)) throw new AwsError("InvalidFilterOption", `The following filter option is not valid: ${excerpt(option, 10)}. Valid options include: [${options.join(", ")}].`);
  if (values.length === 0 && !key.startsWith("tag:")) throw new AwsError("InvalidFilterValue", `The following filter values are missing : null for filter key ${key}.`);
  const enumerated = key === "Type" ? ["String", "StringList", "SecureString"] : key === "Tier" ? ["Standard", "Advanced", "Intelligent-Tiering"] : undefined;
  const wrong = enumerated && option === "Equals" ? values.find((v) => !enumerated.includes(v)) : undefined;
  if (wrong !== undefined) throw new AwsError("InvalidFilterValue", `The following filter value is not valid: ${excerpt(wrong, 64)}. Valid values include: [${enumerated!.join(", ")}].`);
  if (key === "Path") {
    for (const v of values) {
      if (/^\/(aws|ssm)/i.test(v)) throw validation("Filters for common parameters can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). When using global parameters, please specify within a global namespace.");
    }
    return { key, option, values: values.map((v) => checkPath(v, `${at}.values`)) };
  }
  return { key, option, values };
}

/** The parameter's value for a filter key (a `tag:` key: the tag's value, or undefined when it has none). */
function fieldOf(p: ParameterRecord, key: string): string | undefined {
  if (key.startsWith("tag:")) return p.tags[key.slice(4)];
  switch (key) {
    case "Name":
      return p.name;
    case "Type":
      return p.type;
    case "KeyId":
      return p.keyId;
    case "Tier":
      return p.tier;
    case "DataType":
      return p.dataType;
    default:
      return undefined;
  }
}

function predicateOf(f: Filter): (p: ParameterRecord) => boolean {
  if (f.key === "Path") {
    return (p) => f.values.some((path) => (f.option === "Recursive" ? path === "/" || p.name.startsWith(`${path}/`) : parentPath(p.name) === path));
  }
  return (p) => {
    const field = fieldOf(p, f.key);
    if (field === undefined) return false;
    if (f.values.length === 0) return true;
    if (f.option === "BeginsWith") return f.values.some((v) => field.startsWith(v));
    if (f.option === "Contains") return f.values.some((v) => field.includes(v));
    return f.values.includes(field);
  };
}
