import { parameterArn, parseParameterArn, type Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

/** Parameter Store's limits on names (the SSM model's PSParameterName, and its documentation). */
export const nameLimits = {
  /** The model's limit on the member. */
  maxLength: 2048,
  /** What a name may really have: its ARN, `arn:aws:ssm:<region>:<account>:parameter/` and all, counts against 1011. */
  maxArnLength: 1011,
  maxLevels: 15,
} as const;

const validation = (message: string): AwsError => new AwsError("ValidationException", message);

const generalRule =
  "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_";

/** The model's length constraint on a `name` member (or `path`), in AWS's words. */
export function checkNameLength(name: string, member = "name"): string {
  if (name.length < 1) throw validation(`1 validation error detected: Value '' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (name.length > nameLimits.maxLength) {
    throw validation(`1 validation error detected: Value '${excerpt(name, 64)}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${nameLimits.maxLength}`);
  }
  return name;
}

/**
 * The name a parameter is created or overwritten with (PutParameter), as Parameter Store accepts
 * it: spaces around it removed (as the service does); letters, digits and `_.-`, with `/` between
 * the levels of a hierarchy, a hierarchical name starting with `/`; not beginning with `aws` or
 * `ssm` in any case (a path under `/aws` is refused as AWS refuses it, AccessDeniedException:
 * those are AWS's public parameters); at most 15 levels; an ARN of at most 1011 characters.
 */
export function checkNewName(given: string, p: Partition): string {
  const name = checkNameLength(given).replace(/^ +| +$/g, "");
  const bare = name.toLowerCase().replace(/^\//, "");
  const isPath = name.split("/").length > 2;
  if (bare.startsWith("aws") || bare.startsWith("ssm")) {
    if (isPath && name.toLowerCase().startsWith("/aws")) throw new AwsError("AccessDeniedException", `No access to reserved parameter name: ${excerpt(name, 256)}.`);
    throw validation(
      isPath
        ? "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_"
        : "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).",
    );
  }
  const levels = name.startsWith("/") ? name.slice(1).split("/") : [name];
  if (!/^[a-zA-Z0-9_.\-/]+$/.test(name) || (name.includes("/") && !name.startsWith("/")) || levels.some((l) => l === "")) throw validation(generalRule);
  if (levels.length > nameLimits.maxLevels) {
    throw new AwsError("HierarchyLevelLimitExceededException", `A hierarchy can have a maximum of ${nameLimits.maxLevels} levels; ${excerpt(name, 256)} has ${levels.length}.`);
  }
  const arn = parameterArn(p, name);
  if (arn.length > nameLimits.maxArnLength) {
    throw validation(
      `Parameter name ${excerpt(name, 64)} is too long: the parameter's ARN (${arn.length} characters with arn:aws:ssm:${p.region}:${p.accountId}:parameter/) may have at most ${nameLimits.maxArnLength}.`,
    );
  }
  return name;
}

/**
 * The path GetParametersByPath and the `Path` filter take: `/`, or a hierarchy starting with `/`
 * whose levels are names' levels; a trailing `/` is ignored.
 */
export function checkPath(given: string, member = "path"): string {
  checkNameLength(given, member);
  const path = given.length > 1 ? given.replace(/\/$/, "") : given;
  if (path === "/") return path;
  if (!path.startsWith("/") || !/^[a-zA-Z0-9_.\-/]+$/.test(path) || path.slice(1).split("/").includes("")) {
    throw validation(
      "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\". It can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_.",
    );
  }
  return path;
}

/** Which version a `name:selector` asks for: a version number, or a label (labels never begin with a digit). */
export type Selector = { readonly version: number; readonly text: string } | { readonly label: string; readonly text: string };

/** A parameter as an operation names it: the names it may be (an ARN's path may be a name with or without its leading `/`), and the selector. */
export interface ParameterRef {
  readonly candidates: readonly string[];
  readonly selector?: Selector | undefined;
}

/**
 * A parameter named the way GetParameter(s) take it: `name`, `name:version`, `name:label`, or the
 * parameter's ARN with the same selectors. An ARN of another region or account names nothing here.
 */
export function parseRef(ref: string, p: Partition): ParameterRef {
  checkNameLength(ref);
  let name = ref;
  let candidates: string[] | undefined;
  if (ref.startsWith("arn:")) {
    const arn = parseParameterArn(ref);
    if (!arn || arn.region !== p.region || arn.accountId !== p.accountId) return { candidates: [] };
    name = arn.path;
  }
  const colon = name.indexOf(":");
  const base = colon < 0 ? name : name.slice(0, colon);
  const text = colon < 0 ? undefined : name.slice(colon + 1);
  if (ref.startsWith("arn:")) candidates = base.includes("/") ? [`/${base}`] : [base, `/${base}`];
  // A version past 2^53 names none (and would not fit the stores' 64-bit column): -1, which no version has.
  const version = (digits: string) => (Number.isSafeInteger(Number(digits)) ? Number(digits) : -1);
  const selector: Selector | undefined = text === undefined ? undefined : /^\d+$/.test(text) ? { version: version(text), text } : { label: text, text };
  return { candidates: candidates ?? [base], selector };
}

/** The parameter a tagging call names: its name, or its ARN. */
export function taggedName(resourceId: string, p: Partition): readonly string[] {
  return parseRef(resourceId, p).candidates;
}
