/**
 * Wall-clock time in an IANA time zone, through the runtime's Intl data (no dependency): the offset
 * of a zone at an instant, and the instant of a zone's wall-clock time. Pure (no clock read).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    // Bounded: zones are a few hundred names.
    if (formatters.size < 1000) formatters.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows the zone (`America/New_York`, `UTC`, `Etc/GMT+5`). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `ms`, in ms (New York in winter: −5 h). */
export function offsetMs(zone: string, ms: number): number {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The wall-clock time of `ms` in the zone, as if it were UTC (what a cron in that zone reads). */
export const toWall = (zone: string, ms: number): number => ms + offsetMs(zone, ms);

/**
 * The instant of a wall-clock time in the zone. A time skipped by a DST change (02:30 on a spring
 * forward) is the instant one offset later, as the clocks read after the change; a repeated time
 * (the autumn's second 01:30) is its first occurrence.
 */
export function fromWall(zone: string, wallMs: number): number {
  const first = wallMs - offsetMs(zone, wallMs);
  const second = wallMs - offsetMs(zone, first);
  // Two guesses agree except around a change: prefer the earlier instant that reads back as the wall time.
  for (const candidate of [Math.min(first, second), Math.max(first, second)]) if (toWall(zone, candidate) === wallMs) return candidate;
  return Math.max(first, second);
}
