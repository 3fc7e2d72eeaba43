import type { Action, Condition, RuleRecord } from "../domain/load-balancing/types.js";

/** What a listener's rules look at in a request. */
export interface RequestFacts {
  readonly path: string;
  /** The Host header without its port. */
  readonly host: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly query: URLSearchParams;
}

/**
 * The actions for a request: those of the first rule (by priority) whose conditions all match,
 * else the listener's default actions. Pure.
 */
export function route(rules: readonly RuleRecord[], defaults: readonly Action[], req: RequestFacts): readonly Action[] {
  for (const r of rules) if (r.conditions.every((c) => matches(c, req))) return r.actions;
  return defaults;
}

function matches(c: Condition, req: RequestFacts): boolean {
  switch (c.field) {
    case "path-pattern":
      return c.values.some((v) => wildcard(v, false).test(req.path));
    case "host-header":
      return c.values.some((v) => wildcard(v, true).test(req.host));
    case "http-header": {
      const raw = req.headers[c.headerName.toLowerCase()];
      const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      return values.some((h) => c.values.some((v) => wildcard(v, true).test(h)));
    }
    case "query-string":
      return c.values.some((kv) =>
        kv.key === undefined ? [...req.query.values()].some((q) => wildcard(kv.value, true).test(q)) : req.query.getAll(kv.key).some((q) => wildcard(kv.value, true).test(q)),
      );
  }
}

const cache = new Map<string, RegExp>();

/** ELB's wildcards: `*` any characters, `?` exactly one; path patterns are case-sensitive, the rest not. */
export function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
    if (cache.size > 10_000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** A forward action's target group, chosen by weight with `r` in [0, 1). */
export function pickWeighted<T extends { readonly weight: number }>(groups: readonly T[], r: number): T | undefined {
  const total = groups.reduce((n, g) => n + g.weight, 0);
  if (total <= 0) return groups[0];
  let x = r * total;
  for (const g of groups) {
    if (x < g.weight) return g;
    x -= g.weight;
  }
  return groups.at(-1);
}

/** A redirect action's Location, with ELB's `#{protocol}`, `#{host}`, `#{port}`, `#{path}`, `#{query}` placeholders. */
export function redirectLocation(
  a: { readonly protocol: string; readonly host: string; readonly port: string; readonly path: string; readonly query: string },
  req: { readonly protocol: string; readonly host: string; readonly port: string; readonly path: string; readonly query: string },
): string {
  const fill = (s: string): string =>
    s.replace(/#\{(protocol|host|port|path|query)\}/g, (_m, k: string) => (k === "path" ? req.path.replace(/^\//, "") : req[k as "protocol" | "host" | "port" | "query"]));
  const protocol = fill(a.protocol).toLowerCase();
  const port = fill(a.port);
  const defaultPort = (protocol === "https" && port === "443") || (protocol === "http" && port === "80");
  const query = fill(a.query);
  return `${protocol}://${fill(a.host)}${defaultPort ? "" : `:${port}`}${fill(a.path)}${query ? `?${query}` : ""}`;
}
