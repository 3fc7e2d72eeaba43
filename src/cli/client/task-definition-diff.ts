import type { TaskDefinition } from "@aws-sdk/client-ecs";

/**
 * What changed between two task definition revisions, field by field. Pure.
 *
 * Definitions are flattened into paths: containers (and anything else with a `name`) are keyed by
 * name rather than position, so reordering is no change; `{name, value}` lists (environment,
 * ulimits' names aside) become `environment[NAME]`. Fields that every revision has its own of
 * (ARN, revision, registration times, status) are not compared.
 */
export interface FieldChange {
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
  readonly before?: unknown;
  readonly after?: unknown;
}

const ownFields = new Set(["taskDefinitionArn", "revision", "status", "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt"]);

export function diffTaskDefinitions(a: TaskDefinition, b: TaskDefinition): FieldChange[] {
  const before = flatten(strip(a));
  const after = flatten(strip(b));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(byPath);
  const changes: FieldChange[] = [];
  for (const path of paths) {
    const x = before.get(path);
    const y = after.get(path);
    if (!before.has(path)) changes.push({ path, kind: "added", after: y });
    else if (!after.has(path)) changes.push({ path, kind: "removed", before: x });
    else if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ path, kind: "changed", before: x, after: y });
  }
  return changes;
}

/** `~ path: before → after`, `+ path: value`, `- path: value`. */
export function formatChange(c: FieldChange): string {
  const show = (v: unknown): string => JSON.stringify(v);
  if (c.kind === "added") return `+ ${c.path}: ${show(c.after)}`;
  if (c.kind === "removed") return `- ${c.path}: ${show(c.before)}`;
  return `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`;
}

function strip(td: TaskDefinition): Record<string, unknown> {
  return Object.fromEntries(Object.entries(td).filter(([k, v]) => !ownFields.has(k) && v !== undefined));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const named = (v: unknown): v is Record<string, unknown> & { name: string } => isRecord(v) && typeof v.name === "string";
const isNameValue = (v: unknown): boolean => named(v) && Object.keys(v).every((k) => k === "name" || k === "value");

/** Leaves by path; empty arrays and objects count as absent (ECS echoes `[]` for lists never given). */
function flatten(value: unknown, path = "", into = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isNameValue)) {
      for (const e of value as { name: string; value?: unknown }[]) into.set(`${path}[${e.name}]`, e.value ?? null);
    } else if (value.length > 0 && value.every(named) && new Set(value.map((e) => e.name)).size === value.length) {
      // The name is in the path already.
      for (const { name, ...rest } of value as (Record<string, unknown> & { name: string })[]) flatten(rest, `${path}[${name}]`, into);
    } else if (value.length > 0) {
      value.forEach((e, i) => flatten(e, `${path}[${i}]`, into));
    }
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) flatten(v, path === "" ? k : `${path}.${k}`, into);
  } else if (path !== "") {
    into.set(path, value);
  }
  return into;
}

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
