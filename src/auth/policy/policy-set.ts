import type { CompiledPolicy, CompiledStatement } from "./compile.js";

/**
 * A principal's policies, indexed for evaluation: each statement filed under the actions it can
 * match (its literal actions, or its service when it names the service literally and wildcards the
 * rest); statements that may match any action (`*`, `NotAction`, a wildcard service) are always
 * checked. A request then checks only the statements filed under its action or its service, not
 * every statement of every policy. The index only narrows: each candidate is still matched in full.
 */
export interface PolicySet {
  /** The policies as attached, for the simulator and for listing. */
  readonly policies: readonly CompiledPolicy[];
  readonly byAction: ReadonlyMap<string, readonly IndexedStatement[]>;
  readonly byService: ReadonlyMap<string, readonly IndexedStatement[]>;
  readonly always: readonly IndexedStatement[];
  /**
   * The statements whose action and resource match a request, by `action\0resource` (the action as
   * the request spelled it), in ordinal order: what is left to check is their conditions. A memo of a pure function
   * of this immutable set, bounded; a new set (IAM changed) starts empty.
   */
  readonly matches: Map<string, readonly IndexedStatement[]>;
  /**
   * Every context key the set's conditions and policy variables read, lower-cased: a request builds
   * only these (request-context.ts); a set whose statements read none builds no context at all.
   */
  readonly contextKeys: readonly string[];
}

/** How many (action, resource) pairs a set remembers; past it, it starts over. */
export const maxMemoizedMatches = 1024;

/** A statement and its place among all the set's statements (policy order, then statement order). */
export interface IndexedStatement {
  readonly statement: CompiledStatement;
  readonly ordinal: number;
}

export function policySet(policies: readonly CompiledPolicy[]): PolicySet {
  const byAction = new Map<string, IndexedStatement[]>();
  const byService = new Map<string, IndexedStatement[]>();
  const always: IndexedStatement[] = [];
  const file = (map: Map<string, IndexedStatement[]>, key: string, s: IndexedStatement) => {
    const list = map.get(key);
    if (!list) map.set(key, [s]);
    else if (list.at(-1) !== s) list.push(s);
  };
  let ordinal = 0;
  const contextKeys = new Set<string>();
  for (const p of policies) {
    for (const statement of p.statements) {
      for (const k of statement.conditionKeys) contextKeys.add(k.toLowerCase());
      const s = { statement, ordinal: ordinal++ };
      if (!statement.actionPatterns) {
        always.push(s);
        continue;
      }
      for (const pattern of statement.actionPatterns) {
        const colon = pattern.indexOf(":");
        const service = colon < 0 ? pattern : pattern.slice(0, colon);
        if (!/[*?]/.test(pattern)) file(byAction, pattern, s);
        else if (colon > 0 && !/[*?]/.test(service)) file(byService, service, s);
        else {
          always.push(s);
          break;
        }
      }
    }
  }
  return { policies, byAction, byService, always, matches: new Map(), contextKeys: [...contextKeys] };
}

export const emptyPolicySet: PolicySet = policySet([]);
