import { current, pending, previous, type SecretVersion } from "./secret.js";

/**
 * How many versions a secret keeps: past it, the oldest versions without a staging label
 * (deprecated) are dropped. Secrets Manager keeps "100 of the most recent versions" and also every
 * version of the last 24 hours; Berth keeps no such grace: a burst of puts drops deprecated versions
 * sooner, but a secret never holds more than 100 versions plus its labelled ones.
 */
export const maxVersions = 100;

/** The versions after a change, and the ids of those dropped (whose values go too). */
export interface VersionsChange {
  readonly versions: readonly SecretVersion[];
  readonly dropped: readonly string[];
}

const sorted = (labels: Iterable<string>): string[] => [...new Set(labels)].sort();

const holderOf = (versions: readonly SecretVersion[], label: string): SecretVersion | undefined => versions.find((v) => v.stages.includes(label));

/**
 * A new version with `labels` (PutSecretValue's VersionStages; AWSCURRENT when none are given, as
 * for CreateSecret and UpdateSecret). Each label leaves the version it was on; the first version of
 * a secret gets AWSCURRENT whatever was asked. When AWSCURRENT moves, the version it leaves takes
 * AWSPREVIOUS (from wherever it was) and drops AWSPENDING: a rotation that ended with AWSCURRENT and
 * AWSPENDING on one version is over once a newer value becomes current (as Secrets Manager answers).
 */
export function addVersion(versions: readonly SecretVersion[], added: Omit<SecretVersion, "stages">, labels: readonly string[] = [current]): VersionsChange {
  const wanted = new Set(labels);
  const was = holderOf(versions, current);
  if (was === undefined) wanted.add(current);
  const movesCurrent = wanted.has(current) && was !== undefined;
  // Unless the new version asks for AWSPREVIOUS itself.
  const previousTo = movesCurrent && !wanted.has(previous) ? was : undefined;
  const others = versions.map((v) => {
    let stages = v.stages.filter((s) => !wanted.has(s));
    if (movesCurrent && v === was) stages = stages.filter((s) => s !== pending);
    if (previousTo !== undefined) stages = v === previousTo ? [...stages, previous] : stages.filter((s) => s !== previous);
    return { ...v, stages: sorted(stages) };
  });
  return pruned([...others, { ...added, stages: sorted(wanted) }]);
}

/** UpdateSecretVersionStage's request: the label, the version to take it from, the version to give it to. */
export interface StageMove {
  readonly label: string;
  readonly removeFrom?: string | undefined;
  readonly moveTo?: string | undefined;
}

/**
 * UpdateSecretVersionStage: `label` moves to `moveTo`, or leaves `removeFrom` when no `moveTo` is
 * given. A label attached elsewhere moves only when the call names that version in `removeFrom`.
 * Moving AWSCURRENT puts AWSPREVIOUS on the version it left; AWSCURRENT cannot just be removed (a
 * secret always has a current version once it has one). The refusal's message, or the new versions.
 */
export function moveStage(versions: readonly SecretVersion[], move: StageMove): VersionsChange | string {
  const { label, removeFrom, moveTo } = move;
  if (removeFrom === undefined && moveTo === undefined) return `Specify MoveToVersionId to attach the staging label ${label} to a version, RemoveFromVersionId to remove it from one, or both to move it.`;
  for (const id of [removeFrom, moveTo]) if (id !== undefined && !versions.some((v) => v.id === id)) return `Not a valid version: ${id}`;
  const holder = holderOf(versions, label);
  if (removeFrom !== undefined && holder?.id !== removeFrom) return `Version stage ${label} not found in version ${removeFrom}`;
  if (holder !== undefined && holder.id !== moveTo && removeFrom === undefined) {
    return `The parameter RemoveFromVersionId can't be empty. Staging label ${label} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`;
  }
  if (label === current && moveTo === undefined) return `The staging label ${current} can only be moved to another version (MoveToVersionId), not removed: a secret always has a current version.`;
  // The version AWSCURRENT leaves, which takes AWSPREVIOUS.
  const left = label === current && holder !== undefined && holder.id !== moveTo ? holder.id : undefined;
  const next = versions.map((v) => {
    let stages = v.id === moveTo ? [...v.stages, label] : v.stages.filter((s) => s !== label);
    if (left !== undefined) stages = v.id === left ? [...stages, previous] : stages.filter((s) => s !== previous);
    return { ...v, stages: sorted(stages) };
  });
  return pruned(next);
}

/** Drops the oldest deprecated versions while there are more than {@link maxVersions}. */
export function pruned(versions: readonly SecretVersion[]): VersionsChange {
  let excess = versions.length - maxVersions;
  if (excess <= 0) return { versions, dropped: [] };
  const dropped: string[] = [];
  const kept = versions.filter((v) => {
    if (excess <= 0 || v.stages.length > 0) return true;
    excess--;
    dropped.push(v.id);
    return false;
  });
  return { versions: kept, dropped };
}
