import { AwsError } from "../../errors/catalog.js";

/**
 * IAM policy documents: the JSON grammar IAM accepts, checked and normalised (single values made
 * lists) before anything is stored or compiled. Refusals are IAM's `MalformedPolicyDocument`, with
 * the messages IAM gives for the same mistakes.
 */

/** An identity policy (attached to a user or role), a role's trust policy (AssumeRolePolicyDocument), or a resource's policy (an ECR repository's). */
export type PolicyKind = "identity" | "trust" | "resource";

export type Effect = "Allow" | "Deny";

/** `Principal` of a trust policy: `*`, or lists per kind (`AWS`, `Service`, `Federated`). */
export type PrincipalSpec = "*" | { readonly [kind: string]: readonly string[] };

/** Operator (`StringEquals`, `ForAnyValue:StringLike`, `IpAddressIfExists`…) → key → values. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface Statement {
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Principal?: PrincipalSpec;
  readonly NotPrincipal?: PrincipalSpec;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Statement[];
}

const topElements = new Set(["Version", "Id", "Statement"]);
const statementElements = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);
const versions = new Set(["2008-10-17", "2012-10-17"]);

export const malformed = (message: string): AwsError => new AwsError("MalformedPolicyDocument", message);
const syntax = (): AwsError => malformed("Syntax errors in policy.");

/** Parses and checks a policy document's text; throws MalformedPolicyDocument as IAM would. */
export function parsePolicy(text: string, kind: PolicyKind): PolicyDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw syntax();
  }
  if (!isObject(json) || !Object.keys(json).every((k) => topElements.has(k))) throw syntax();
  if (json.Version !== undefined && (typeof json.Version !== "string" || !versions.has(json.Version))) throw syntax();
  if (json.Id !== undefined && typeof json.Id !== "string") throw syntax();
  const raw = Array.isArray(json.Statement) ? json.Statement : isObject(json.Statement) ? [json.Statement] : undefined;
  if (!raw || raw.length === 0) throw syntax();
  const statements = raw.map((s) => statementSyntax(s));
  const sids = statements.flatMap((s) => (s.Sid === undefined ? [] : [s.Sid]));
  if (new Set(sids).size !== sids.length) throw malformed("Statement IDs (SID) in a single policy must be unique.");
  for (const s of statements) checkStatement(s, kind);
  return { ...(typeof json.Version === "string" && { Version: json.Version }), Statement: statements };
}

function statementSyntax(raw: unknown): Statement {
  if (!isObject(raw) || !Object.keys(raw).every((k) => statementElements.has(k))) throw syntax();
  if (raw.Action !== undefined && raw.NotAction !== undefined) throw syntax();
  if (raw.Resource !== undefined && raw.NotResource !== undefined) throw syntax();
  const effect = raw.Effect;
  if (effect !== "Allow" && effect !== "Deny") throw syntax();
  const sid = raw.Sid;
  if (sid !== undefined && typeof sid !== "string") throw syntax();
  const optional = <T>(key: string, parse: (v: unknown) => T): Record<string, T> => (raw[key] === undefined ? {} : { [key]: parse(raw[key]) });
  return {
    ...(sid !== undefined && { Sid: sid }),
    Effect: effect,
    ...optional("Action", stringList),
    ...optional("NotAction", stringList),
    ...optional("Resource", stringList),
    ...optional("NotResource", stringList),
    ...optional("Principal", principalSyntax),
    ...optional("NotPrincipal", principalSyntax),
    ...optional("Condition", conditionSyntax),
  };
}

function checkStatement(s: Statement, kind: PolicyKind): void {
  const actions = s.Action ?? s.NotAction;
  if (!actions || actions.length === 0) throw malformed("Policy statement must contain actions.");
  for (const a of actions) checkAction(a);
  const resources = s.Resource ?? s.NotResource;
  if (kind === "identity") {
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw malformed("Policy document should not specify a principal.");
    if (!resources || resources.length === 0) throw malformed("Policy statement must contain resources.");
    for (const r of resources) checkResource(r);
  } else {
    if (kind === "trust" && resources) throw malformed("Has prohibited field Resource");
    for (const r of kind === "resource" ? (resources ?? []) : []) checkResource(r);
    if (s.Principal === undefined && s.NotPrincipal === undefined) throw malformed("Missing required field Principal");
  }
  for (const keys of Object.values(s.Condition ?? {})) {
    for (const key of Object.keys(keys)) checkVendor(key);
  }
}

function checkAction(action: string): void {
  if (action === "*") return;
  checkVendor(action);
}

function checkVendor(name: string): void {
  const parts = name.split(":");
  if (parts.length === 1) throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  if (parts.length > 2) throw malformed("Actions/Condition can contain only one colon.");
  if (!/^[a-zA-Z0-9.-]+$/.test(parts[0]!)) throw malformed(`Vendor ${parts[0]!.slice(0, 64)} is not valid`);
}

function checkResource(resource: string): void {
  if (resource === "*") return;
  const parts = resource.split(":");
  if (parts.length < 6 || parts[0] !== "arn") throw malformed(`Resource ${resource.slice(0, 256)} must be in ARN format or "*".`);
  if (!/^aws(-[a-z-]+)?$|^\*$/.test(parts[1]!)) throw malformed(`Partition "${parts[1]!.slice(0, 64)}" is not valid for resource "${resource.slice(0, 256)}".`);
  if (parts[2] === "" || /[^a-z0-9*?-]/.test(parts[2]!)) throw malformed("Resource vendor must be fully qualified and cannot contain regexes.");
  if (parts[2] === "iam" && parts[3] !== "") throw malformed(`IAM resource ${resource.slice(0, 256)} cannot contain region information.`);
}

function stringList(v: unknown): string[] {
  const list = typeof v === "string" ? [v] : Array.isArray(v) ? v : undefined;
  if (!list || !list.every((x): x is string => typeof x === "string")) throw syntax();
  return list;
}

function principalSyntax(v: unknown): PrincipalSpec {
  if (v === "*") return "*";
  if (!isObject(v) || Object.keys(v).length === 0) throw syntax();
  const out: Record<string, string[]> = {};
  for (const [kind, values] of Object.entries(v)) {
    if (!["AWS", "Service", "Federated", "CanonicalUser"].includes(kind)) throw malformed(`Invalid principal in policy: "${kind.slice(0, 64)}"`);
    out[kind] = stringList(values);
  }
  return out;
}

function conditionSyntax(v: unknown): ConditionBlock {
  if (!isObject(v)) throw syntax();
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, keys] of Object.entries(v)) {
    if (!isObject(keys)) throw syntax();
    out[op] = Object.fromEntries(Object.entries(keys).map(([k, values]) => [k, scalarList(values)]));
  }
  return out;
}

/** Condition values: strings, numbers or booleans (`"Bool": {"aws:SecureTransport": false}`), one or a list. */
function scalarList(v: unknown): string[] {
  const list: unknown[] = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") return String(x);
    throw syntax();
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
