import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Action, RuleRecord } from "../domain/load-balancing/types.js";
import { pickWeighted, redirectLocation, route, wildcard, type RequestFacts } from "./routing.js";

const fixed = (body: string): Action => ({ type: "fixed-response", statusCode: "200", messageBody: body });
const rule = (priority: number, conditions: RuleRecord["conditions"], body: string): RuleRecord => ({ arn: `r${priority}`, listenerArn: "l", priority, conditions, actions: [fixed(body)] });
const req = (o: Partial<RequestFacts> & { q?: string } = {}): RequestFacts => ({ path: o.path ?? "/", host: o.host ?? "example.com", headers: o.headers ?? {}, query: new URLSearchParams(o.q ?? "") });
const bodyOf = (actions: readonly Action[]): string | undefined => (actions[0]?.type === "fixed-response" ? actions[0].messageBody : undefined);

describe("listener rules", () => {
  const rules = [
    rule(1, [{ field: "path-pattern", values: ["/a/*"] }], "a"),
    rule(2, [{ field: "path-pattern", values: ["/b/*"] }, { field: "host-header", values: ["*.Example.com"] }], "b"),
    rule(3, [{ field: "http-header", headerName: "X-Mode", values: ["ma?nt"] }], "header"),
    rule(4, [{ field: "query-string", values: [{ key: "v", value: "2" }, { value: "any*" }] }], "query"),
  ];
  const cases: [string, RequestFacts, string][] = [
    ["a path pattern", req({ path: "/a/x/y" }), "a"],
    ["path patterns are case-sensitive", req({ path: "/A/x" }), "default"],
    ["all conditions of a rule (path and host, host case-insensitive)", req({ path: "/b/1", host: "www.EXAMPLE.com" }), "b"],
    ["not a rule whose host does not match", req({ path: "/b/1", host: "other.org" }), "default"],
    ["an http header with a ? wildcard", req({ headers: { "x-mode": "maint" } }), "header"],
    ["a query-string key and value", req({ q: "v=2" }), "query"],
    ["a query-string value under any key", req({ q: "k=anything" }), "query"],
    ["the default when nothing matches", req({ path: "/c" }), "default"],
  ];
  for (const [what, r, expected] of cases) it(`matches ${what}`, () => assert.equal(bodyOf(route(rules, [fixed("default")], r)), expected));

  it("takes the lowest priority first", () => {
    const both = [rule(1, [{ field: "path-pattern", values: ["/*"] }], "first"), rule(2, [{ field: "path-pattern", values: ["/x"] }], "second")];
    assert.equal(bodyOf(route(both, [], req({ path: "/x" }))), "first");
  });

  it("escapes regular-expression characters in patterns", () => {
    assert.equal(wildcard("/a.b(c)", false).test("/a.b(c)"), true);
    assert.equal(wildcard("/a.b(c)", false).test("/aXb(c)"), false);
  });
});

describe("weighted forward", () => {
  const groups = [{ arn: "x", weight: 1 }, { arn: "y", weight: 3 }, { arn: "z", weight: 0 }];
  it("splits by weight and never picks weight 0", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const g = pickWeighted(groups, i / 400)!;
      counts.set(g.arn, (counts.get(g.arn) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { x: 100, y: 300 });
  });
});

describe("redirects", () => {
  const from = { protocol: "http", host: "a.example", port: "8080", path: "/p/q", query: "x=1" };
  it("keeps what the redirect does not change (#{…} placeholders)", () => {
    assert.equal(redirectLocation({ protocol: "#{protocol}", host: "#{host}", port: "#{port}", path: "/#{path}", query: "#{query}" }, from), "http://a.example:8080/p/q?x=1");
  });
  it("leaves out the default port of the new protocol", () => {
    assert.equal(redirectLocation({ protocol: "HTTPS", host: "b.example", port: "443", path: "/new/#{path}", query: "" }, from), "https://b.example/new/p/q");
  });
});
