/**
 * The console's pages and their addresses (hash routes such as `#/clusters/default/services/web`),
 * parsed and built in one place. Pure: the browser code reads `location.hash` and calls these.
 */
export const clusterTabs = ["services", "tasks", "instances"] as const;
export type ClusterTab = (typeof clusterTabs)[number];

export type Route =
  | { readonly view: "clusters" }
  | { readonly view: "cluster"; readonly cluster: string; readonly tab: ClusterTab }
  | { readonly view: "service"; readonly cluster: string; readonly service: string }
  | { readonly view: "task"; readonly cluster: string; readonly task: string }
  | { readonly view: "families" }
  | { readonly view: "family"; readonly family: string }
  | { readonly view: "task-definition"; readonly family: string; readonly revision: number }
  | { readonly view: "not-found"; readonly hash: string };

const isTab = (s: string): s is ClusterTab => (clusterTabs as readonly string[]).includes(s);

/** The route a location hash (`#/…`, or empty for the start page) names. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "").replace(/\/$/, "");
  const raw = path === "" ? [] : path.split("/");
  const parts = raw.map(decodeSegment).filter((p): p is string => p !== undefined && p !== "");
  if (parts.length !== raw.length) return { view: "not-found", hash };
  const [a, b, c, d] = parts;
  const n = parts.length;
  if (n === 0 || (n === 1 && a === "clusters")) return { view: "clusters" };
  if (a === "clusters" && b !== undefined) {
    if (n === 2) return { view: "cluster", cluster: b, tab: "services" };
    if (n === 3 && c !== undefined && isTab(c)) return { view: "cluster", cluster: b, tab: c };
    if (n === 4 && c === "services" && d !== undefined) return { view: "service", cluster: b, service: d };
    if (n === 4 && c === "tasks" && d !== undefined) return { view: "task", cluster: b, task: d };
  }
  if (a === "task-definitions") {
    if (n === 1) return { view: "families" };
    if (n === 2 && b !== undefined) return { view: "family", family: b };
    if (n === 3 && b !== undefined && c !== undefined && /^[1-9][0-9]{0,8}$/.test(c)) return { view: "task-definition", family: b, revision: Number(c) };
  }
  return { view: "not-found", hash };
}

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** The hash of a route, each name escaped so that any cluster or service name round-trips. */
export function hrefOf(route: Route): string {
  const p = (...parts: (string | number)[]): string => `#/${parts.map((x) => encodeURIComponent(String(x))).join("/")}`;
  switch (route.view) {
    case "clusters":
      return p("clusters");
    case "cluster":
      return route.tab === "services" ? p("clusters", route.cluster) : p("clusters", route.cluster, route.tab);
    case "service":
      return p("clusters", route.cluster, "services", route.service);
    case "task":
      return p("clusters", route.cluster, "tasks", route.task);
    case "families":
      return p("task-definitions");
    case "family":
      return p("task-definitions", route.family);
    case "task-definition":
      return p("task-definitions", route.family, route.revision);
    case "not-found":
      return route.hash;
  }
}

/** The section of the navigation a route belongs to. */
export const sectionOf = (route: Route): "clusters" | "task-definitions" =>
  route.view === "families" || route.view === "family" || route.view === "task-definition" ? "task-definitions" : "clusters";
