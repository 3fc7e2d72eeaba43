/**
 * `awslogs-multiline-pattern` and `awslogs-datetime-format`, as Docker's awslogs driver reads them:
 * a line that matches the pattern starts a new event; the lines that follow, until the next match,
 * belong to it (joined with "\n"). The datetime format is strftime (`%Y-%m-%d %H:%M:%S`), turned
 * into a pattern anchored at the line's start. Pure.
 */
const strftime: Readonly<Record<string, string>> = {
  a: "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)",
  A: "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
  b: "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)",
  B: "(?:January|February|March|April|May|June|July|August|September|October|November|December)",
  d: "(?:0[1-9]|[12][0-9]|3[01])",
  e: "(?: [1-9]|[12][0-9]|3[01])",
  f: "\\d{6}",
  L: "\\d{3}",
  H: "(?:[01][0-9]|2[0-3])",
  I: "(?:0[0-9]|1[0-2])",
  j: "(?:0[0-9][1-9]|[12][0-9][0-9]|3[0-5][0-9]|36[0-6])",
  m: "(?:0[1-9]|1[0-2])",
  M: "[0-5][0-9]",
  p: "[AP]M",
  S: "[0-5][0-9]",
  y: "\\d{2}",
  Y: "\\d{4}",
  z: "[+-]\\d{4}",
  Z: "[A-Z]{1,5}",
  "%": "%",
};

/** The regex a datetime format stands for, or an error naming the directive it does not know. */
export function datetimeFormatPattern(format: string): RegExp | { readonly invalid: string } {
  let out = "^";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      out += c.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
      continue;
    }
    const d = format[++i];
    const re = d === undefined ? undefined : strftime[d];
    if (re === undefined) return { invalid: `awslogs-datetime-format: %${d ?? ""} is not a directive the awslogs driver supports` };
    out += re;
  }
  return new RegExp(out);
}

/** The start-of-event pattern of an awslogs configuration: the datetime format wins over the multiline pattern, as in Docker. */
export function eventStart(options: { readonly datetimeFormat?: string | undefined; readonly multilinePattern?: string | undefined }): RegExp | undefined | { readonly invalid: string } {
  if (options.datetimeFormat !== undefined) return datetimeFormatPattern(options.datetimeFormat);
  if (options.multilinePattern === undefined) return undefined;
  try {
    return new RegExp(`^${options.multilinePattern}`);
  } catch {
    return { invalid: "awslogs-multiline-pattern is not a valid regular expression" };
  }
}

/** Lines joined into events: `push` returns the event a start line completes; `take` the pending one. */
export class MultilineJoiner<L extends { readonly message: string }> {
  private pending: L[] = [];

  constructor(private readonly start: RegExp) {}

  push(line: L): L[] | undefined {
    if (this.pending.length > 0 && this.start.test(line.message)) {
      const done = this.pending;
      this.pending = [line];
      return done;
    }
    this.pending.push(line);
    return undefined;
  }

  /** The event being gathered (the force-flush when no new line came for a while). */
  take(): L[] | undefined {
    if (this.pending.length === 0) return undefined;
    const done = this.pending;
    this.pending = [];
    return done;
  }

  get size(): number {
    return this.pending.length;
  }
}
