import type { LifecyclePolicy, LifecycleRule, TagSelection } from "./lifecycle-policy.js";

/** An image as lifecycle evaluation sees it. */
export interface LifecycleImage {
  readonly digest: string;
  readonly tags: readonly string[];
  readonly pushedAtMs: number;
  /** ECR never expires an image an index (manifest list) still refers to. */
  readonly referencedByIndex?: boolean | undefined;
}

/** One image a policy expires: which rule did it and why, as GetLifecyclePolicyPreview reports it. */
export interface Expiration {
  readonly digest: string;
  readonly tags: readonly string[];
  readonly pushedAtMs: number;
  readonly appliedRulePriority: number;
  readonly reason: string;
}

const dayMs = 86_400_000;

/** `*` matches any run of characters; everything else literally; the whole tag must match. */
function wildcardMatches(pattern: string, tag: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(tag);
}

/** Whether the rule's tag selection picks the image. With several prefixes or patterns, each must match some tag. */
export function selects(selection: TagSelection, tags: readonly string[]): boolean {
  switch (selection.tagStatus) {
    case "any":
      return true;
    case "untagged":
      return tags.length === 0;
    case "tagged":
      return "tagPrefixList" in selection
        ? selection.tagPrefixList.every((p) => tags.some((t) => t.startsWith(p)))
        : selection.tagPatternList.every((p) => tags.some((t) => wildcardMatches(p, t)));
  }
}

/** Newest first; the digest breaks ties so that evaluation is deterministic. */
const newestFirst = (a: LifecycleImage, b: LifecycleImage): number =>
  b.pushedAtMs - a.pushedAtMs || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0);

/** The images a rule would expire among those it selects, oldest first, each with why. */
function candidates(rule: LifecycleRule, selected: readonly LifecycleImage[], nowMs: number): [LifecycleImage, string][] {
  const s = rule.selection;
  if (s.countType === "imageCountMoreThan") {
    return [...selected]
      .sort(newestFirst)
      .slice(s.countNumber)
      .reverse()
      .map((img) => [img, `more than ${s.countNumber} images selected by rule ${rule.rulePriority}; this one is older than the newest ${s.countNumber}`]);
  }
  return [...selected]
    .sort(newestFirst)
    .reverse()
    .filter((img) => nowMs - img.pushedAtMs > s.countNumber * dayMs)
    .map((img) => [img, `pushed more than ${s.countNumber} days ago (rule ${rule.rulePriority})`]);
}

/**
 * Evaluates a policy the way ECR documents it: rules in priority order (lowest number first);
 * each rule identifies every image its tag selection picks, including images higher-priority
 * rules identified, and counts them all; but it may only expire images that no higher-priority
 * rule identified. So an image is expired by at most one rule, and an image a higher-priority rule
 * selected (kept or expired) is never expired by a lower one. Pure: `nowMs` is the only clock.
 */
export function evaluateLifecyclePolicy(policy: LifecyclePolicy, images: readonly LifecycleImage[], nowMs: number): Expiration[] {
  const seen = new Set<string>();
  const expired: Expiration[] = [];
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  for (const rule of rules) {
    const selected = images.filter((img) => selects(rule.selection, img.tags));
    for (const [img, reason] of candidates(rule, selected, nowMs)) {
      if (seen.has(img.digest) || img.referencedByIndex === true) continue;
      expired.push({ digest: img.digest, tags: img.tags, pushedAtMs: img.pushedAtMs, appliedRulePriority: rule.rulePriority, reason });
    }
    for (const img of selected) seen.add(img.digest);
  }
  return expired;
}
