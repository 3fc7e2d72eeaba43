import type { ContainerDefinition } from "@aws-sdk/client-ecs";

/**
 * The pure rules of a task's start-up and shutdown on the agent: which containers may start now
 * (dependsOn), whether a dependency can no longer be met, when the task counts as RUNNING, and
 * whether an exit stops the task. The task actor applies what this decides.
 */
export interface ContainerFacts {
  readonly name: string;
  readonly definition: ContainerDefinition;
  /** NONE: not started yet. */
  readonly status: "NONE" | "RUNNING" | "STOPPED";
  readonly exitCode?: number | undefined;
  readonly health: "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
  /** When it last started: a dependency's startTimeout counts from then. */
  readonly startedAtMs?: number | undefined;
}

export type StartDecision =
  | { readonly kind: "start"; readonly containers: readonly string[] }
  /** `recheckAtMs`: when a dependency's startTimeout runs out, if nothing happens before. */
  | { readonly kind: "wait"; readonly recheckAtMs?: number }
  /** `container` is the one whose dependency can no longer be met; the reason is also its own. */
  | { readonly kind: "failed"; readonly container: string; readonly reason: string };

const essential = (c: ContainerFacts): boolean => c.definition.essential ?? true;

/**
 * What to do next while a task starts. A dependency with a `startTimeout` that has run since it
 * started without meeting a COMPLETE, SUCCESS or HEALTHY condition fails its dependent, as in ECS.
 */
export function nextStarts(containers: readonly ContainerFacts[], nowMs: number): StartDecision {
  const byName = new Map(containers.map((c) => [c.name, c]));
  const ready: string[] = [];
  let recheckAtMs: number | undefined;
  for (const c of containers) {
    if (c.status !== "NONE") continue;
    let satisfied = true;
    for (const dep of c.definition.dependsOn ?? []) {
      const d = byName.get(dep.containerName ?? "");
      if (!d) return { kind: "failed", container: c.name, reason: `TaskDependencyError: container ${c.name} depends on unknown container ${dep.containerName ?? ""}` };
      const cond = dep.condition ?? "START";
      // "needs db to healthy…, and it …": the one way an unmet dependency is told.
      const unresolvable = (need: string, outcome: string): StartDecision => ({
        kind: "failed",
        container: c.name,
        reason: `TaskDependencyError: dependency graph cannot be resolved: container ${c.name} needs ${d.name} to ${need}, and it ${outcome}`,
      });
      const verdict = condition(cond, d);
      if (verdict === "never") return unresolvable(cond.toLowerCase(), describe(d));
      if (verdict === "not-yet") {
        satisfied = false;
        const deadline = timeoutAt(cond, d);
        if (deadline !== undefined && nowMs >= deadline) return unresolvable(`${cond.toLowerCase()} within its startTimeout (${d.definition.startTimeout} s)`, "did not");
        if (deadline !== undefined) recheckAtMs = Math.min(recheckAtMs ?? deadline, deadline);
      }
    }
    if (satisfied) ready.push(c.name);
  }
  if (ready.length > 0) return { kind: "start", containers: ready };
  return recheckAtMs === undefined ? { kind: "wait" } : { kind: "wait", recheckAtMs };
}

/** When a running dependency's startTimeout runs out for a condition other than START; undefined: it has none. */
function timeoutAt(cond: string, d: ContainerFacts): number | undefined {
  const seconds = d.definition.startTimeout;
  if (cond === "START" || d.status !== "RUNNING" || d.startedAtMs === undefined || seconds === undefined || seconds <= 0) return undefined;
  return d.startedAtMs + seconds * 1000;
}

function condition(cond: string, d: ContainerFacts): "met" | "not-yet" | "never" {
  switch (cond) {
    case "START":
      return d.status === "NONE" ? "not-yet" : "met";
    case "COMPLETE":
      return d.status === "STOPPED" ? "met" : "not-yet";
    case "SUCCESS":
      if (d.status !== "STOPPED") return "not-yet";
      return d.exitCode === 0 ? "met" : "never";
    case "HEALTHY":
      if (d.health === "HEALTHY") return "met";
      if (d.health === "UNHEALTHY" || d.status === "STOPPED") return "never";
      return "not-yet";
    default:
      return "never";
  }
}

const describe = (d: ContainerFacts): string =>
  d.status === "STOPPED" ? `exited with code ${d.exitCode ?? "unknown"}` : d.health === "UNHEALTHY" ? "is unhealthy" : "did not";

/** A task is RUNNING once every container has started (those that already exited, as dependencies allow, count). */
export function allStarted(containers: readonly ContainerFacts[]): boolean {
  return containers.every((c) => c.status !== "NONE");
}

/** The first essential container that has exited: its exit stops the task. */
export function exitedEssential(containers: readonly ContainerFacts[]): ContainerFacts | undefined {
  return containers.find((c) => essential(c) && c.status === "STOPPED");
}

/** Shutdown order: dependents before what they depend on (the reverse of start order). */
export function stopOrder(containers: readonly ContainerFacts[]): string[] {
  const deps = new Map(containers.map((c) => [c.name, (c.definition.dependsOn ?? []).map((d) => d.containerName ?? "")]));
  const order: string[] = [];
  const visited = new Set<string>();
  const visit = (name: string): void => {
    if (visited.has(name)) return;
    visited.add(name);
    for (const d of deps.get(name) ?? []) visit(d);
    order.push(name);
  };
  containers.forEach((c) => visit(c.name));
  return order.reverse();
}

/** What failed while a task was readied (each a reason as ECS shows it), its isolation and its containers' tracks side by side. */
export interface PreparationOutcome {
  readonly pull?: string | undefined;
  readonly isolation?: string | undefined;
  readonly create?: string | undefined;
}

/**
 * The reason the task reports when readying it failed: a pull's first (it names the image, and
 * ECS reports it before anything else of the task happens), then its isolation's (cgroup, pause
 * container), then a container create's. Undefined: nothing failed.
 */
export function preparationFailure(outcome: PreparationOutcome): string | undefined {
  return outcome.pull ?? outcome.isolation ?? outcome.create;
}
