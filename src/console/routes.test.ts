import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hrefOf, parseRoute, sectionOf, type Route } from "./routes.js";

describe("console routes", () => {
  const cases: [hash: string, route: Route][] = [
    ["", { view: "clusters" }],
    ["#/", { view: "clusters" }],
    ["#/clusters", { view: "clusters" }],
    ["#/clusters/default", { view: "cluster", cluster: "default", tab: "services" }],
    ["#/clusters/default/tasks", { view: "cluster", cluster: "default", tab: "tasks" }],
    ["#/clusters/default/instances/", { view: "cluster", cluster: "default", tab: "instances" }],
    ["#/clusters/default/services/web", { view: "service", cluster: "default", service: "web" }],
    ["#/clusters/default/tasks/0a1b2c", { view: "task", cluster: "default", task: "0a1b2c" }],
    ["#/task-definitions", { view: "families" }],
    ["#/task-definitions/web", { view: "family", family: "web" }],
    ["#/task-definitions/web/12", { view: "task-definition", family: "web", revision: 12 }],
    ["#/clusters/a%2Fb/services/x%20y", { view: "service", cluster: "a/b", service: "x y" }],
  ];
  for (const [hash, route] of cases) {
    it(`${hash || "(empty)"} is ${route.view}`, () => assert.deepEqual(parseRoute(hash), route));
  }

  it("names unknown or malformed addresses not-found", () => {
    for (const hash of ["#/nope", "#/clusters/default/other", "#/task-definitions/web/0", "#/task-definitions/web/x", "#/clusters//services", "#/clusters/%E0%A4%A"]) {
      assert.equal(parseRoute(hash).view, "not-found", hash);
    }
  });

  it("builds addresses that parse back to the same route, whatever the names hold", () => {
    const routes: Route[] = [
      { view: "clusters" },
      { view: "cluster", cluster: "default", tab: "services" },
      { view: "cluster", cluster: "a b", tab: "instances" },
      { view: "service", cluster: "c/1", service: "web#2" },
      { view: "task", cluster: "default", task: "abc" },
      { view: "families" },
      { view: "family", family: "f?x" },
      { view: "task-definition", family: "web", revision: 3 },
    ];
    for (const r of routes) assert.deepEqual(parseRoute(hrefOf(r)), r);
  });

  it("puts task definitions in their own section of the navigation", () => {
    assert.equal(sectionOf({ view: "family", family: "x" }), "task-definitions");
    assert.equal(sectionOf({ view: "task", cluster: "c", task: "t" }), "clusters");
  });
});
