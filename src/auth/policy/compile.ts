import { compileCondition, type ConditionTest, type RequestContext } from "./conditions.js";
import { parsePolicy, type Effect, type PolicyDocument, type PolicyKind, type PrincipalSpec, type Statement } from "./document.js";
import { statementSpans, type Span } from "./positions.js";
import { compileTemplate, hasVariables, variableKeys } from "./variables.js";
import { resolvedMatcher, wildcardMatcher } from "./wildcard.js";

/** Where a statement comes from, for the simulator's answer and for logs: the policy's name (or ARN) and the statement. */
export interface StatementRef {
  readonly policy: string;
  readonly index: number;
  readonly sid?: string | undefined;
}

/** Who asks to assume a role, as a trust policy's `Principal` sees them. */
export interface TrustCaller {
  /** `arn:aws:iam::<account>:user/ci`, the role ARN of an assumed-role session, or `arn:aws:iam::<account>:root`. */
  readonly arn: string;
  readonly accountId: string;
  /** A service principal (`ecs-tasks.amazonaws.com`) instead of an AWS one. */
  readonly service?: string | undefined;
}

/**
 * How a trust statement's principal names the caller: `direct` (its own ARN, or a service), or
 * `account` (the account, `arn:aws:iam::<account>:root` or `*`), which IAM takes as a delegation:
 * the caller's own policies must then allow the action as well.
 */
export type PrincipalMatch = "direct" | "account" | false;

export interface CompiledStatement {
  readonly ref: StatementRef;
  readonly effect: Effect;
  /** Matches a lower-cased action. */
  readonly action: (action: string) => boolean;
  /** The `Action` patterns, lower-cased, for the index (policy-set.ts); undefined for `NotAction` or none. */
  readonly actionPatterns: readonly string[] | undefined;
  /** Matches a resource; for a Resource with policy variables, a first cut that {@link resourceInContext} completes. */
  readonly resource: (resource: string) => boolean;
  /** The resource test with the request's policy variables replaced (only for a Resource/NotResource that has some). */
  readonly resourceInContext: ((resource: string, ctx: RequestContext) => boolean) | undefined;
  readonly condition: ConditionTest | undefined;
  /** The context keys its `Condition` and its variables read, as the policy spells them (for the simulator's MissingContextValues). */
  readonly conditionKeys: readonly string[];
  readonly principal: ((caller: TrustCaller) => PrincipalMatch) | undefined;
}

/** A policy made ready for evaluation once, when it is stored or loaded, never per request. */
export interface CompiledPolicy {
  readonly name: string;
  readonly statements: readonly CompiledStatement[];
  /** Where each statement sits in the policy's text, by statement index, when compiled from text (for the simulator). */
  readonly spans?: readonly Span[] | undefined;
}

/** Parses, checks and compiles a policy's text (throws MalformedPolicyDocument). */
export function compilePolicyText(name: string, text: string, kind: PolicyKind): CompiledPolicy {
  return { ...compilePolicy(name, parsePolicy(text, kind)), spans: statementSpans(text) };
}

export function compilePolicy(name: string, doc: PolicyDocument): CompiledPolicy {
  // Policy variables exist only in the 2012-10-17 language; before it `${…}` is text.
  const variables = doc.Version === "2012-10-17";
  return { name, statements: doc.Statement.map((s, index) => compileStatement(s, { policy: name, index, sid: s.Sid }, variables)) };
}

function compileStatement(s: Statement, ref: StatementRef, variables: boolean): CompiledStatement {
  const withVariables = variables && [...(s.Resource ?? []), ...(s.NotResource ?? [])].some(hasVariables);
  const conditionValues = Object.values(s.Condition ?? {}).flatMap((keys) => Object.values(keys).flat());
  const varKeys = variables ? [...(s.Resource ?? []), ...(s.NotResource ?? []), ...conditionValues].flatMap(variableKeys) : [];
  return {
    ref,
    effect: s.Effect,
    action: positiveOrNot(s.Action?.map(lower), s.NotAction?.map(lower), false),
    actionPatterns: s.Action?.map(lower),
    resource: withVariables ? firstCut(s.Resource) : positiveOrNot(s.Resource, s.NotResource, false),
    resourceInContext: withVariables ? resourceWithVariables(s.Resource, s.NotResource) : undefined,
    condition: s.Condition ? compileCondition(s.Condition, { variables }) : undefined,
    conditionKeys: [...new Set([...Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys)), ...varKeys])],
    principal: s.Principal !== undefined ? principalMatcher(s.Principal) : s.NotPrincipal !== undefined ? notPrincipal(principalMatcher(s.NotPrincipal)) : undefined,
  };
}

/** `Action`/`NotAction` (or the resources'): a statement without either matches everything (trust policies have no Resource). */
function positiveOrNot(yes: readonly string[] | undefined, no: readonly string[] | undefined, ignoreCase: boolean): (v: string) => boolean {
  if (yes) return wildcardMatcher(yes, { ignoreCase });
  if (no) {
    const m = wildcardMatcher(no, { ignoreCase });
    return (v) => !m(v);
  }
  return () => true;
}

const lower = (s: string): string => s.toLowerCase();

/** What a Resource with variables can match at most (each variable as `*`): lets the index and its memo narrow; NotResource cannot be narrowed. */
function firstCut(resources: readonly string[] | undefined): (resource: string) => boolean {
  return resources ? wildcardMatcher(resources.map((r) => r.replace(/\$\{[^}]*\}/g, "*")), { ignoreCase: false }) : () => true;
}

/** Resource/NotResource with the request's variables replaced; a variable that cannot be replaced leaves the statement out. */
function resourceWithVariables(yes: readonly string[] | undefined, no: readonly string[] | undefined): (resource: string, ctx: RequestContext) => boolean {
  const templates = (yes ?? no ?? []).map(compileTemplate);
  return (resource, ctx) => {
    const resolved = templates.map((t) => t(ctx));
    if (no !== undefined && resolved.some((r) => r === undefined)) return false;
    const usable = resolved.filter((r) => r !== undefined);
    const matches = usable.length > 0 && resolvedMatcher(usable, { ignoreCase: false })(resource);
    return no !== undefined ? !matches : matches;
  };
}

function principalMatcher(spec: PrincipalSpec): (caller: TrustCaller) => PrincipalMatch {
  if (spec === "*") return () => "account";
  const aws = spec.AWS ?? [];
  const services = new Set(spec.Service ?? []);
  return (caller) => {
    if (caller.service !== undefined) return services.has(caller.service) ? "direct" : false;
    if (aws.includes(caller.arn)) return "direct";
    const account = aws.some((p) => p === "*" || p === caller.accountId || p === `arn:aws:iam::${caller.accountId}:root`);
    return account ? "account" : false;
  };
}

function notPrincipal(m: (caller: TrustCaller) => PrincipalMatch): (caller: TrustCaller) => PrincipalMatch {
  return (caller) => (m(caller) === false ? "account" : false);
}
