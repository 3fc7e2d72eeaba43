/**
 * How argument text becomes a comparable value: numbers, agent versions and registration dates.
 * Pure helpers shared by the parser (which converts arguments once) and the evaluator.
 */

/** A finite number written in plain decimal, or undefined. `"1e3"`, `""` and `"0x10"` are not numbers here. */
export function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Dotted numeric version parts (`1.14.5` → [1, 14, 5]); a leading `v` and a suffix after `-` or
 * `+` (`1.14.5-beta`) are ignored. Undefined when the text is not version-shaped.
 */
export function parseVersion(text: string): number[] | undefined {
  const match = /^v?(\d+(?:\.\d+)*)(?:[-+].*)?$/.exec(text);
  if (match?.[1] === undefined) return undefined;
  return match[1].split(".").map(Number);
}

/** Compares versions part by part; missing parts count as 0, so `1.14` equals `1.14.0`. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The registeredAt formats the ECS page lists: `2018-06-18T22:28:28+00:00`, `…Z`, `2018-06-18T22:28:28`
 * and `2018-06-18`. Times without a zone are UTC (Date.parse would read them as local time, which
 * would make the answer depend on the server's time zone). Returns epoch milliseconds or undefined.
 */
export function parseDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (m === null) return undefined;
  const part = (index: number): number => Number(m[index] ?? 0);
  const [year, month, day] = [part(1), part(2), part(3)];
  const millis = Number((m[7] ?? "0").padEnd(3, "0"));
  const ms = Date.UTC(year, month - 1, day, part(4), part(5), part(6), millis);
  const check = new Date(ms);
  // Reject what Date.UTC silently rolls over, such as 2018-02-30 or 25:00:00.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || part(4) > 23 || part(5) > 59 || part(6) > 59) return undefined;
  const zone = m[8];
  if (zone === undefined || zone === "Z") return ms;
  const sign = zone.startsWith("-") ? -1 : 1;
  const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return ms - sign * offsetMinutes * 60_000;
}

/**
 * Compares two attribute values for `>`, `<`, …: numerically when both are numbers, otherwise as
 * strings by code unit (the ECS page does not say; this keeps `1.10 > 1.9` false for strings but
 * makes numeric attributes such as `attribute:disk-gb > 100` work).
 */
export function compareAttributeValues(a: string, b: string, bNumber: number | undefined): number {
  const aNumber = bNumber === undefined ? undefined : parseNumber(a);
  if (aNumber !== undefined && bNumber !== undefined) return aNumber - bNumber;
  return a < b ? -1 : a > b ? 1 : 0;
}
