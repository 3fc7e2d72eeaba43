/**
 * Start-order rules between containers.
 *
 * dependsOn: the target exists; COMPLETE and SUCCESS wait for the target to exit, so it cannot be
 * essential (its exit would stop the task); HEALTHY needs a health check on the target.
 *
 * Cycles: the agent starts a container after everything it depends on, and links and volumesFrom order
 * starts too (Docker needs the linked or source container first). A cycle through any mix of the three
 * would leave the task PENDING forever, so it is refused at register time.
 */
import { clientException } from "../../errors/catalog.js";
import { messages } from "./messages.js";
import type { NormalizedContainer } from "./types.js";

/** The container a `links` entry ("name" or "name:alias") points at. */
export const linkTarget = (link: string): string => link.split(":")[0] ?? link;

export function checkDependencies(containers: readonly NormalizedContainer[]): void {
  const byName = new Map(containers.map((c) => [c.name, c]));
  for (const c of containers) {
    for (const d of c.dependsOn ?? []) {
      const targetName = d.containerName ?? "";
      const target = byName.get(targetName);
      if (!target) throw clientException(messages.unknownDependency(c.name, targetName));
      if ((d.condition === "COMPLETE" || d.condition === "SUCCESS") && target.essential) {
        throw clientException(messages.essentialDependency(c.name, targetName, d.condition));
      }
      if (d.condition === "HEALTHY" && !target.healthCheck) throw clientException(messages.healthyWithoutHealthCheck(c.name, targetName));
    }
    for (const link of c.links ?? []) {
      if (!byName.has(linkTarget(link))) throw clientException(messages.unknownLink(c.name, linkTarget(link)));
    }
  }
  const cycle = findCycle(startOrderEdges(containers));
  if (cycle) throw clientException(messages.dependencyCycle(cycle));
}

/** container → the containers that must start before it. */
export function startOrderEdges(containers: readonly NormalizedContainer[]): ReadonlyMap<string, readonly string[]> {
  return new Map(
    containers.map((c) => [
      c.name,
      [
        ...(c.dependsOn ?? []).map((d) => d.containerName ?? ""),
        ...(c.links ?? []).map(linkTarget),
        ...c.volumesFrom.map((v) => v.sourceContainer ?? ""),
      ],
    ]),
  );
}

/** A cycle as a path that starts and ends at the same node, or undefined when the graph has none. */
export function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "visiting");
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of edges.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}
