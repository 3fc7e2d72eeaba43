import { compileCondition, type ConditionTest } from "./conditions.js";
import { parsePolicy, type Effect, type PolicyDocument, type PolicyKind, type PrincipalSpec, type Statement } from "./document.js";
import { statementSpans, type Span } from "./positions.js";
import { wildcardMatcher } from "./wildcard.js";

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
  readonly resource: (resource: string) => boolean;
  readonly condition: ConditionTest | undefined;
  /** The context keys its `Condition` reads, as the policy spells them (for the simulator's MissingContextValues). */
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
  return { name, statements: doc.Statement.map((s, index) => compileStatement(s, { policy: name, index, sid: s.Sid })) };
}

function compileStatement(s: Statement, ref: StatementRef): CompiledStatement {
  return {
    ref,
    effect: s.Effect,
    action: positiveOrNot(s.Action?.map(lower), s.NotAction?.map(lower), false),
    actionPatterns: s.Action?.map(lower),
    resource: positiveOrNot(s.Resource, s.NotResource, false),
    condition: s.Condition ? compileCondition(s.Condition) : undefined,
    conditionKeys: [...new Set(Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys)))],
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
