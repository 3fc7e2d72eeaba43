import { AwsError } from "../errors/catalog.js";

/**
 * ECR's lifecycle policy language: parsing and validation. Evaluation lives in
 * `lifecycle-evaluation.ts`. Only the `expire` action exists here: archive storage classes (and
 * the `sinceImagePulled` / `sinceImageTransitioned` counts that go with them) are refused.
 */

export const tagStatuses = ["tagged", "untagged", "any"] as const;
export type LifecycleTagStatus = (typeof tagStatuses)[number];

/** Which images a rule considers, by their tags. */
export type TagSelection =
  | { readonly tagStatus: "untagged" }
  | { readonly tagStatus: "any" }
  | { readonly tagStatus: "tagged"; readonly tagPrefixList: readonly string[] }
  | { readonly tagStatus: "tagged"; readonly tagPatternList: readonly string[] };

/** How many (or which) of the considered images a rule expires. */
export type CountSelection =
  | { readonly countType: "imageCountMoreThan"; readonly countNumber: number }
  | { readonly countType: "sinceImagePushed"; readonly countUnit: "days"; readonly countNumber: number };

export interface LifecycleRule {
  readonly rulePriority: number;
  readonly description?: string | undefined;
  readonly selection: TagSelection & CountSelection;
  readonly action: { readonly type: "expire" };
}

export interface LifecyclePolicy {
  readonly rules: readonly LifecycleRule[];
}

export type ParsePolicyResult = { readonly ok: true; readonly policy: LifecyclePolicy } | { readonly ok: false; readonly message: string };

/** ECR's wrapping of every lifecycle validation message. */
export const invalidLifecyclePolicy = (message: string): AwsError =>
  new AwsError(
    "InvalidParameterException",
    `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${message}'`,
  );

const maxWildcards = 4;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string" && s !== "");

function tagSelection(sel: Record<string, unknown>, priority: number): TagSelection | string {
  const { tagStatus, tagPrefixList, tagPatternList } = sel;
  const status = tagStatuses.find((s) => s === tagStatus);
  if (status === undefined) return `tagStatus of rule ${priority} must be one of tagged, untagged, any`;
  const hasPrefix = tagPrefixList !== undefined;
  const hasPattern = tagPatternList !== undefined;
  if (status !== "tagged") {
    return hasPrefix || hasPattern ? `tagPrefixList and tagPatternList can only be used when tagStatus=TAGGED (rule ${priority})` : { tagStatus: status };
  }
  if (hasPrefix === hasPattern) return "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.";
  if (hasPrefix) {
    return isStringList(tagPrefixList) ? { tagStatus: status, tagPrefixList } : `tagPrefixList of rule ${priority} must be a non-empty list of strings`;
  }
  if (!isStringList(tagPatternList)) return `tagPatternList of rule ${priority} must be a non-empty list of strings`;
  const tooWild = tagPatternList.find((p) => p.split("*").length - 1 > maxWildcards);
  if (tooWild !== undefined) return `tag pattern '${tooWild}' has more than ${maxWildcards} wildcards`;
  return { tagStatus: status, tagPatternList };
}

function countSelection(sel: Record<string, unknown>, priority: number): CountSelection | string {
  const { countType, countUnit, countNumber } = sel;
  if (typeof countNumber !== "number" || !Number.isSafeInteger(countNumber) || countNumber < 1) {
    return `countNumber of rule ${priority} must be an integer of at least 1`;
  }
  if (countType === "imageCountMoreThan") {
    return countUnit === undefined ? { countType, countNumber } : `countUnit cannot be used with countType imageCountMoreThan (rule ${priority})`;
  }
  if (countType === "sinceImagePushed") {
    return countUnit === "days" ? { countType, countUnit, countNumber } : `countUnit of rule ${priority} must be days with countType sinceImagePushed`;
  }
  if (countType === "sinceImagePulled" || countType === "sinceImageTransitioned") {
    return `countType ${countType} needs archive storage, which is not supported`;
  }
  return `countType of rule ${priority} must be imageCountMoreThan or sinceImagePushed`;
}

function rule(raw: unknown): LifecycleRule | string {
  if (!isRecord(raw)) return "Could not map policyString into LifecyclePolicy.";
  const { rulePriority, description, selection, action } = raw;
  if (typeof rulePriority !== "number" || !Number.isSafeInteger(rulePriority) || rulePriority < 1) {
    return "rulePriority must be an integer of at least 1";
  }
  if (description !== undefined && typeof description !== "string") return `description of rule ${rulePriority} must be a string`;
  if (!isRecord(selection)) return `rule ${rulePriority} has no selection`;
  if (selection.storageClass !== undefined && selection.storageClass !== "standard") return "storageClass archive is not supported";
  if (!isRecord(action) || action.type !== "expire") return `action of rule ${rulePriority} must be {"type":"expire"}`;
  const tags = tagSelection(selection, rulePriority);
  if (typeof tags === "string") return tags;
  const count = countSelection(selection, rulePriority);
  if (typeof count === "string") return count;
  return { rulePriority, description, selection: { ...tags, ...count }, action: { type: "expire" } };
}

/** Parses and validates lifecycle policy text; an invalid policy is a result with ECR-style wording, not an exception. */
export function parseLifecyclePolicy(text: string): ParsePolicyResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, message: "Could not map policyString into LifecyclePolicy." };
  }
  if (!isRecord(doc) || !Array.isArray(doc.rules) || doc.rules.length === 0) {
    return { ok: false, message: "Could not map policyString into LifecyclePolicy." };
  }
  const rules: LifecycleRule[] = [];
  for (const raw of doc.rules) {
    const r = rule(raw);
    if (typeof r === "string") return { ok: false, message: r };
    if (rules.some((o) => o.rulePriority === r.rulePriority)) return { ok: false, message: `Rule priority ${r.rulePriority} is not unique` };
    rules.push(r);
  }
  rules.sort((a, b) => a.rulePriority - b.rulePriority);
  if (rules.filter((r) => r.selection.tagStatus === "untagged").length > 1) {
    return { ok: false, message: "Only one rule can select Untagged images" };
  }
  const last = rules[rules.length - 1];
  if (rules.some((r) => r.selection.tagStatus === "any" && r !== last)) {
    return { ok: false, message: "Rule for tagStatus=ANY must have the lowest priority" };
  }
  return { ok: true, policy: { rules } };
}
