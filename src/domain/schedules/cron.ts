import { dayOfMonth, dayOfWeek, hours, minutes, months, valueSet, years, type DayOfMonth, type DayOfWeek } from "./cron-fields.js";

/** An EventBridge cron expression, parsed (see cron-fields.ts for the syntax). Always UTC. */
export interface Cron {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly dayOfMonth: DayOfMonth;
  readonly months: ReadonlySet<number>;
  readonly dayOfWeek: DayOfWeek;
  readonly years: ReadonlySet<number>;
}

/**
 * The six fields of `cron(…)`'s body, or why they do not parse. As EventBridge requires, exactly
 * one of day-of-month and day-of-week is `?`.
 */
export function parseCron(body: string): Cron | string {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year); got ${fields.length}`;
  const [mi = "", h = "", dom = "", mo = "", dow = "", y = ""] = fields;
  const parsed = {
    minutes: valueSet(mi, minutes),
    hours: valueSet(h, hours),
    dayOfMonth: dayOfMonth(dom),
    months: valueSet(mo, months),
    dayOfWeek: dayOfWeek(dow),
    years: valueSet(y, years),
  };
  for (const [name, v] of Object.entries(parsed)) if (v === undefined) return `the ${name} field does not parse`;
  const { minutes: m, hours: hs, dayOfMonth: d, months: ms, dayOfWeek: w, years: ys } = parsed;
  if (!m || !hs || !d || !ms || !w || !ys) return "a field does not parse";
  if ((d.kind === "any") === (w.kind === "any")) return "one of day-of-month and day-of-week must be ?, and only one";
  return { minutes: m, hours: hs, dayOfMonth: d, months: ms, dayOfWeek: w, years: ys };
}

const minuteMs = 60_000;
const dayMs = 86_400_000;

/** The first minute strictly after `afterMs` that `cron` names, or undefined when none is left (past its years). */
export function nextCronFire(cron: Cron, afterMs: number): number | undefined {
  const start = Math.floor(afterMs / minuteMs) * minuteMs + minuteMs;
  let day = Math.floor(start / dayMs) * dayMs;
  const lastYear = Math.max(...cron.years);
  for (;;) {
    const date = new Date(day);
    const year = date.getUTCFullYear();
    if (year > lastYear) return undefined;
    const month = date.getUTCMonth() + 1;
    if (!cron.years.has(year) || !cron.months.has(month)) {
      day = Date.UTC(year, month, 1); // the first of the next month
      continue;
    }
    if (dayMatches(cron, year, month, date.getUTCDate())) {
      const fromMinute = day < start ? Math.round((start - day) / minuteMs) : 0;
      const minute = firstMinuteOfDay(cron, fromMinute);
      if (minute !== undefined) return day + minute * minuteMs;
    }
    day += dayMs;
  }
}

/** The first minute of the day (0 to 1439), from `from` on, that the hours and minutes fields name. */
function firstMinuteOfDay(cron: Cron, from: number): number | undefined {
  for (let h = Math.floor(from / 60); h < 24; h++) {
    if (!cron.hours.has(h)) continue;
    for (let m = h === Math.floor(from / 60) ? from % 60 : 0; m < 60; m++) if (cron.minutes.has(m)) return h * 60 + m;
  }
  return undefined;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = SUN … 7 = SAT, as EventBridge counts. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function dayMatches(cron: Cron, year: number, month: number, day: number): boolean {
  const length = daysIn(year, month);
  const d = cron.dayOfMonth;
  switch (d.kind) {
    case "set":
      return d.days.has(day);
    case "last":
      return day === length - d.offset;
    case "nearest-weekday":
      return day === nearestWeekday(year, month, d.day === "last" ? length : d.day, length);
    case "any":
      break;
  }
  const w = cron.dayOfWeek;
  const weekday = weekdayOf(year, month, day);
  switch (w.kind) {
    case "set":
      return w.days.has(weekday);
    case "last-of-month":
      return weekday === w.weekday && day + 7 > length;
    case "nth":
      return weekday === w.weekday && Math.ceil(day / 7) === w.nth;
    case "any":
      return true;
  }
}

/** The weekday nearest `target` within its month (`15W`): a Saturday moves to Friday, a Sunday to Monday, never across the month's edges. */
function nearestWeekday(year: number, month: number, target: number, length: number): number | undefined {
  if (target > length) return undefined;
  const weekday = weekdayOf(year, month, target);
  if (weekday === 7) return target === 1 ? 3 : target - 1;
  if (weekday === 1) return target === length ? target - 2 : target + 1;
  return target;
}
