/** How values from the API are written on the page: ids from ARNs, times, resources. Pure. */

/** The last part of an ARN's resource (a task's id, a service's name), or the text itself. */
export function idOf(arn: string | undefined): string {
  if (!arn) return "";
  const resource = arn.startsWith("arn:") ? arn.split(":").slice(5).join(":") : arn;
  return resource.slice(resource.lastIndexOf("/") + 1);
}

/** A target group's name from its ARN (`…:targetgroup/<name>/<id>`), or the text itself. */
export function targetGroupNameOf(arn: string | undefined): string {
  const m = /:targetgroup\/([^/]+)\/[^/]+$/.exec(arn ?? "");
  return m ? m[1]! : (arn ?? "");
}

/** `family:revision` of a task definition's ARN. */
export const taskDefinitionOf = (arn: string | undefined): string => idOf(arn);

/** `family` and `revision` of a task definition's ARN or `family:revision`, if it has both. */
export function familyRevisionOf(arn: string | undefined): { readonly family: string; readonly revision: number } | undefined {
  const m = /^(.+):([1-9][0-9]*)$/.exec(idOf(arn));
  return m ? { family: m[1]!, revision: Number(m[2]) } : undefined;
}

/** A time in UTC to the second (`2026-11-30 03:50:12`), or an empty string. */
export function timeOf(at: Date | undefined): string {
  if (!at || Number.isNaN(at.getTime())) return "";
  return at.toISOString().slice(0, 19).replace("T", " ");
}

/** How long before `now` a time was, roughly (`12 s ago`, `3 min ago`, `2 h ago`, `4 d ago`). */
export function ago(at: Date | undefined, now: number): string {
  if (!at || Number.isNaN(at.getTime())) return "";
  const s = Math.max(0, Math.round((now - at.getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** A number or a dash when the API gave none. */
export const count = (n: number | undefined): string => (n === undefined ? "–" : String(n));

/** A yes/no flag, or a dash when the API gave none. */
export const yesNo = (b: boolean | undefined): string => (b === undefined ? "–" : b ? "yes" : "no");
