import { nextCronFire, parseCron, type Cron } from "./cron.js";

/** A rule's ScheduleExpression, parsed: a fixed rate, or a cron expression in UTC. */
export type ScheduleExpression = { readonly kind: "rate"; readonly periodMs: number } | { readonly kind: "cron"; readonly cron: Cron };

const unitMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * `rate(value unit)` or `cron(fields)`, or why it is not one. As EventBridge requires, a rate of 1
 * takes the singular unit (`rate(1 minute)`) and any other value the plural (`rate(5 minutes)`).
 */
export function parseScheduleExpression(text: string): ScheduleExpression | { readonly invalid: string } {
  const rate = /^rate\((\d{1,9}) (minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? "";
    const singular = unit.replace(/s$/, "") as keyof typeof unitMs;
    if (n < 1) return { invalid: "a rate's value must be a positive whole number" };
    if ((n === 1) !== (unit === singular)) return { invalid: `a rate of ${n} takes the ${n === 1 ? "singular" : "plural"} unit` };
    return { kind: "rate", periodMs: n * unitMs[singular] };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) {
    const parsed = parseCron(cron[1] ?? "");
    return typeof parsed === "string" ? { invalid: parsed } : { kind: "cron", cron: parsed };
  }
  return { invalid: "a schedule expression is rate(value unit) or cron(minutes hours day-of-month month day-of-week year)" };
}

/**
 * When the schedule fires next, strictly after `afterMs`: a rate every period from `anchorMs` (when
 * the rule was created or last enabled), a cron at the next minute it names; undefined when it never
 * fires again.
 */
export function nextFire(expression: ScheduleExpression, afterMs: number, anchorMs: number): number | undefined {
  if (expression.kind === "cron") return nextCronFire(expression.cron, afterMs);
  const { periodMs } = expression;
  if (afterMs < anchorMs) return anchorMs + periodMs;
  return anchorMs + (Math.floor((afterMs - anchorMs) / periodMs) + 1) * periodMs;
}
