/**
 * The fields of EventBridge's six-field cron (minutes hours day-of-month month day-of-week year),
 * parsed into the sets and special days they name. Pure: a field that does not parse is `undefined`.
 *
 * Vocabulary (AWS's): `,` lists, `-` ranges (a range may wrap: FRI-MON), `*` all, `/` steps
 * (`0/15`, `*\/5`, `8-17/2`), `?` "any" in one of the two day fields, `L` last (day of the month;
 * in day-of-week, Saturday, or `5L` the last Thursday), `W` the weekday nearest a day of the month
 * (`15W`, `LW`), `#` the nth weekday of the month (`2#1`, the first Monday). Day-of-week counts
 * from 1 = SUN to 7 = SAT.
 */

export interface Range {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

export const minutes: Range = { min: 0, max: 59 };
export const hours: Range = { min: 0, max: 23 };
export const daysOfMonth: Range = { min: 1, max: 31 };
export const months: Range = { min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] };
export const daysOfWeek: Range = { min: 1, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] };
export const years: Range = { min: 1970, max: 2199 };

/** A value of the field: a number in range or one of its names. */
function value(text: string, range: Range): number | undefined {
  const named = range.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return range.min + named;
  if (!/^\d{1,4}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= range.min && n <= range.max ? n : undefined;
}

/** One comma-separated item: `*`, `n`, `a-b`, each optionally `/step`. */
function item(text: string, range: Range): number[] | undefined {
  const [base = "", step, extra] = text.split("/");
  if (extra !== undefined) return undefined;
  let by = 1;
  if (step !== undefined) {
    if (!/^\d{1,4}$/.test(step) || Number(step) < 1) return undefined;
    by = Number(step);
  }
  let from: number | undefined;
  let to: number | undefined;
  if (base === "*") [from, to] = [range.min, range.max];
  else if (base.includes("-")) {
    const [a = "", b = "", more] = base.split("-");
    if (more !== undefined) return undefined;
    [from, to] = [value(a, range), value(b, range)];
  } else {
    from = value(base, range);
    // `0/15`: from 0 to the end of the range; a lone value is itself.
    to = step === undefined ? from : range.max;
  }
  if (from === undefined || to === undefined) return undefined;
  const span = range.max - range.min + 1;
  const length = (to - from + span) % span;
  const out: number[] = [];
  for (let k = 0; k <= length; k += by) out.push(((from - range.min + k) % span) + range.min);
  return out;
}

/** A plain field (`,` `-` `*` `/` and names): the set of its values, or undefined. */
export function valueSet(text: string, range: Range): ReadonlySet<number> | undefined {
  if (text === "") return undefined;
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const values = item(part, range);
    if (!values) return undefined;
    for (const v of values) out.add(v);
  }
  return out;
}

/** The day-of-month field: any, a set, the last day (`L`, or `L-n` days before it), or the weekday nearest a day (`15W`, `LW`). */
export type DayOfMonth =
  | { readonly kind: "any" }
  | { readonly kind: "set"; readonly days: ReadonlySet<number> }
  | { readonly kind: "last"; readonly offset: number }
  | { readonly kind: "nearest-weekday"; readonly day: number | "last" };

export function dayOfMonth(text: string): DayOfMonth | undefined {
  if (text === "?") return { kind: "any" };
  if (text === "L") return { kind: "last", offset: 0 };
  const before = /^L-(\d{1,2})$/.exec(text);
  if (before) return Number(before[1]) <= 30 ? { kind: "last", offset: Number(before[1]) } : undefined;
  if (text === "LW") return { kind: "nearest-weekday", day: "last" };
  const weekday = /^(\d{1,2})W$/.exec(text);
  if (weekday) {
    const day = value(weekday[1] ?? "", daysOfMonth);
    return day === undefined ? undefined : { kind: "nearest-weekday", day };
  }
  const days = valueSet(text, daysOfMonth);
  return days && { kind: "set", days };
}

/** The day-of-week field: any, a set (1 = SUN), the last given weekday of the month (`5L`), or the nth (`2#1`). */
export type DayOfWeek =
  | { readonly kind: "any" }
  | { readonly kind: "set"; readonly days: ReadonlySet<number> }
  | { readonly kind: "last-of-month"; readonly weekday: number }
  | { readonly kind: "nth"; readonly weekday: number; readonly nth: number };

export function dayOfWeek(text: string): DayOfWeek | undefined {
  if (text === "?") return { kind: "any" };
  // A lone L is the week's last day, Saturday.
  if (text === "L") return { kind: "set", days: new Set([7]) };
  const last = /^([A-Za-z]{3}|\d)L$/.exec(text);
  if (last) {
    const weekday = value(last[1] ?? "", daysOfWeek);
    return weekday === undefined ? undefined : { kind: "last-of-month", weekday };
  }
  const nth = /^([A-Za-z]{3}|\d)#(\d)$/.exec(text);
  if (nth) {
    const weekday = value(nth[1] ?? "", daysOfWeek);
    const n = Number(nth[2]);
    return weekday === undefined || n < 1 || n > 5 ? undefined : { kind: "nth", weekday, nth: n };
  }
  const days = valueSet(text, daysOfWeek);
  return days && { kind: "set", days };
}
