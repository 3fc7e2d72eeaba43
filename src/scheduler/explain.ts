import type { Check, InstanceView } from "./instance-view.js";
import { summaryText } from "./explain-text.js";
import { closestPhrase, FailureReason } from "./reasons.js";
import type { PlacementExplanation, PlacementFailure, ReasonCount } from "./types.js";

interface Closest {
  view: { id: string; arn: string; remainingMemory: number; remainingCpu: number };
  failed: Check[];
  detail: string;
}

/**
 * Builds ECS's `failures[]` and Berth's explanation when a task cannot be placed. Runs every check
 * on every instance (not just until the first failure) so that the closest fit is the instance
 * that failed the fewest checks. Only called on failure, so its cost does not matter.
 *
 * @param forEachInstance visits every instance's view in cluster order (views may be reused cursors).
 */
export function explainFailure(
  checks: readonly Check[],
  forEachInstance: (visit: (view: InstanceView) => void) => void,
  counts: { readonly requested: number; readonly placed: number },
): { failures: PlacementFailure[]; explanation: PlacementExplanation } {
  const failures: PlacementFailure[] = [];
  const byReason = new Map<string, { reason: FailureReason; count: number; constraint?: string }>();
  let closest: Closest | undefined;

  forEachInstance((view) => {
    const failed = checks.filter((c) => !c.passes(view));
    const first = failed[0];
    if (first === undefined) return; // cannot happen when nothing fits; skipped rather than misreported
    const detail = first.detail(view);
    failures.push({ arn: view.arn, reason: first.reason, detail });
    const key = `${first.reason}\u0000${first.constraint ?? ""}`;
    const entry = byReason.get(key) ?? { reason: first.reason, count: 0, ...(first.constraint === undefined ? {} : { constraint: first.constraint }) };
    entry.count++;
    byReason.set(key, entry);
    if (closest === undefined || closer(failed, view, closest)) {
      closest = { view: { id: view.id, arn: view.arn, remainingMemory: view.remainingMemory, remainingCpu: view.remainingCpu }, failed, detail };
    }
  });

  const reasons: ReasonCount[] = [...byReason.values()].sort((a, b) => b.count - a.count);
  const unplacedCount = counts.requested - counts.placed;
  const parts = { instancesConsidered: failures.length, reasons, ...closestPart(closest) };
  return { failures, explanation: { unplacedCount, ...parts, summary: summaryText(counts, parts, closest?.detail) } };
}

/** Instances that take no tasks at all are never a near miss, however few checks they fail. */
const unavailable = (failed: readonly Check[]): boolean =>
  failed.some((c) => c.reason === FailureReason.inactive || c.reason === FailureReason.draining || c.reason === FailureReason.agent);

function closer(failed: Check[], view: InstanceView, than: Closest): boolean {
  if (unavailable(failed) !== unavailable(than.failed)) return !unavailable(failed);
  if (failed.length !== than.failed.length) return failed.length < than.failed.length;
  if (view.remainingMemory !== than.view.remainingMemory) return view.remainingMemory > than.view.remainingMemory;
  return view.remainingCpu > than.view.remainingCpu;
}

function closestPart(closest: Closest | undefined): Pick<PlacementExplanation, "closest"> {
  const first = closest?.failed[0];
  if (closest === undefined || first === undefined) return {};
  return {
    closest: {
      instanceId: closest.view.id,
      instanceArn: closest.view.arn,
      failed: closest.failed.map((c) => c.reason),
      phrase: closestPhrase(first.reason),
    },
  };
}
