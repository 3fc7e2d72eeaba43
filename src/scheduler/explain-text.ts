import type { PlacementExplanation, ReasonCount } from "./types.js";

/**
 * The one place that turns a placement explanation into text: RunTask's `failures[].detail` and
 * the services' "unable to place" event both come from here, so they read the same way.
 *
 * Every piece is a sentence: it starts with a capital letter and ends with exactly one period,
 * whatever the piece it was built from ended with (ECS's memberOf reason already ends with one).
 */

/** `text` as one sentence: capitalised, trailing punctuation and space normalised to one period. */
export function sentence(text: string): string {
  const trimmed = text.trim().replace(/[.\s]+$/, "");
  if (trimmed === "") return "";
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

/** Sentences joined by one space; empty pieces are dropped. */
export function sentences(...pieces: readonly string[]): string {
  return pieces.map(sentence).filter((s) => s !== "").join(" ");
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "3 RESOURCE:MEMORY, 1 MemberOf placement constraint unsatisfied (attribute:x == y)" (no trailing period). */
export function reasonBreakdown(reasons: readonly ReasonCount[]): string {
  return reasons
    .map((r) => `${r.count} ${r.reason.replace(/\.+$/, "")}${r.constraint === undefined ? "" : ` (${r.constraint})`}`)
    .join(", ");
}

/** "5 instances considered, rejected for: …." */
export function consideredSentence(e: Pick<PlacementExplanation, "instancesConsidered" | "reasons">): string {
  return sentence(`${plural(e.instancesConsidered, "instance")} considered, rejected for: ${reasonBreakdown(e.reasons)}`);
}

export const noInstances = "No Container Instances were found in your cluster.";

/**
 * The engine's summary: "Unable to place 1 of 2 tasks: no container instance met all of its
 * requirements. 4 instances considered, rejected for: …. The closest matching (container-instance
 * X) has insufficient memory available (needs 512 MiB memory, 128 MiB remaining); it also failed
 * RESOURCE:CPU."
 */
export function summaryText(
  counts: { readonly requested: number; readonly placed: number },
  e: Pick<PlacementExplanation, "instancesConsidered" | "reasons" | "closest">,
  closestDetail: string | undefined,
): string {
  const head = `Unable to place ${counts.requested - counts.placed} of ${plural(counts.requested, "task")}`;
  const closest = e.closest;
  if (closest === undefined) return `${head}: ${noInstances}`;
  const detail = closestDetail === undefined || closestDetail === "" ? "" : ` (${closestDetail.replace(/\.+$/, "")})`;
  const also = closest.failed.length > 1 ? `; it also failed ${closest.failed.slice(1).map((r) => r.replace(/\.+$/, "")).join(", ")}` : "";
  return sentences(
    `${head}: no container instance met all of its requirements`,
    consideredSentence(e),
    `The closest matching (container-instance ${closest.instanceId}) ${closest.phrase}${detail}${also}`,
  );
}

/** RunTask's `failures[].detail`: this instance's own reason, then the summary. */
export function failureDetail(detail: string | undefined, summary: string | undefined): string | undefined {
  if (summary === undefined || summary === "") return detail;
  return detail === undefined || detail === "" ? summary : `${sentence(detail)} ${summary}`;
}

/**
 * ECS's service event, then Berth's per-reason breakdown: "(service web) was unable to place a task
 * because no container instance met all of its requirements. The closest matching (container-instance
 * X) has insufficient memory available. For more information, see the Troubleshooting section of
 * the Amazon ECS Developer Guide. Berth: 3 instances considered, rejected for: 3 RESOURCE:MEMORY."
 */
export function serviceUnableToPlace(service: string, e: PlacementExplanation | undefined): string {
  const closest = e?.closest;
  if (e === undefined || closest === undefined) return `(service ${service}) was unable to place a task. Reason: ${noInstances}`;
  return sentences(
    `(service ${service}) was unable to place a task because no container instance met all of its requirements`,
    `The closest matching (container-instance ${closest.instanceId}) ${closest.phrase}`,
    "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide",
    `Berth: ${consideredSentence(e)}`,
  );
}
