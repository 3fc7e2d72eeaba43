/**
 * Parsers for the value syntaxes of ECS agent variables: Go booleans and durations, integers,
 * JSON lists and maps, "a-b" port ranges. Each says what it expected instead of throwing, so that
 * the caller can name the variable and its source in one error listing every problem.
 */
import { maxTimerMs, parseGoDuration } from "./go-duration.js";

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  /** `withholdText`: the text may hold a secret (a password in a URL), so an error must not quote it. */
  | { readonly ok: false; readonly expected: string; readonly withholdText?: true };
export type Parser<T> = (text: string) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const expected = <T>(what: string): Parsed<T> => ({ ok: false, expected: what });

export const text: Parser<string> = (t) => ok(t);

/** Go's strconv.ParseBool, which the ECS agent uses: 1 t T TRUE true True / 0 f F FALSE false False. */
export const bool: Parser<boolean> = (t) => {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(t)) return ok(true);
  if (["0", "f", "F", "FALSE", "false", "False"].includes(t)) return ok(false);
  return expected("true or false");
};

export const nonNegativeInteger: Parser<number> = (t) => {
  const n = Number(t.trim());
  return /^\s*\d+\s*$/.test(t) && Number.isSafeInteger(n) ? ok(n) : expected("a whole number ≥ 0");
};

/**
 * A Go duration, in milliseconds, not negative, and at most 596h: the agent waits each one with a
 * timer, which fires at once beyond `maxTimerMs` (a cleanup wait of 720h would remove stopped
 * containers at once).
 */
export const duration: Parser<number> = (t) => {
  const ms = parseGoDuration(t.trim());
  return ms !== undefined && ms >= 0 && ms <= maxTimerMs ? ok(ms) : expected('a duration such as "30s", "3h" or "1m30s", at most 596h');
};

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return (t) => {
    const found = values.find((v) => v === t.trim());
    return found !== undefined ? ok(found) : expected(`one of ${values.join(", ")}`);
  };
}

function json(t: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

const isPort = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535;

/** A JSON array of ports, e.g. `[22, 2375]`; sorted, without duplicates. */
export const portList: Parser<readonly number[]> = (t) => {
  const v = json(t);
  if (!Array.isArray(v) || !v.every(isPort)) return expected("a JSON array of port numbers (1-65535), e.g. [22, 2375]");
  return ok([...new Set(v)].sort((a, b) => a - b));
};

/** A JSON array of strings, e.g. `["json-file","none"]`. */
export const stringList: Parser<readonly string[]> = (t) => {
  const v = json(t);
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === "string")) return expected('a JSON array of strings, e.g. ["json-file","none"]');
  return ok(v);
};

/** A JSON object of strings, e.g. `{"stack":"prod"}`, with no empty key. */
export const stringMap: Parser<Readonly<Record<string, string>>> = (t) => {
  const v = json(t);
  if (typeof v !== "object" || v === null || Array.isArray(v)) return expected('a JSON object of strings, e.g. {"stack":"prod"}');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    if (key === "" || typeof value !== "string") return expected('a JSON object of strings, e.g. {"stack":"prod"}');
    out[key] = value;
  }
  return ok(out);
};

/** Any JSON object, kept as its text (e.g. registry credentials, parsed where they are used). */
export const jsonObjectText: Parser<string> = (t) => {
  const v = json(t);
  return typeof v === "object" && v !== null && !Array.isArray(v) ? ok(t) : expected("a JSON object");
};

/** A dotted-quad IPv4 address, e.g. `127.0.0.2`; returned in its canonical form (no leading zeros). */
export const ipv4Address: Parser<string> = (t) => {
  const parts = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\s*$/.exec(t)?.slice(1).map(Number);
  return parts !== undefined && parts.every((n) => n <= 255) ? ok(parts.join(".")) : expected('an IPv4 address, e.g. "0.0.0.0" or "127.0.0.2"');
};

export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** `"32768-60999"`: an inclusive range of ports. */
export const portRange: Parser<PortRange> = (t) => {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(t);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  return m && isPort(first) && isPort(last) && first <= last ? ok({ first, last }) : expected('a port range "first-last", e.g. "49153-65535"');
};

const urlListExpected = "comma-separated http:// or https:// URLs, e.g. http://a:4400,http://b:4400";

/**
 * One URL or several separated by commas (the control plane's replicas), each http:// or https://,
 * all with one scheme, none twice, none with a user name or password. A failure names the entry
 * by its position and never quotes the text, which could hold a password.
 */
export const urlList: Parser<readonly string[]> = (t) => {
  const entries = t.split(",").map((e) => e.trim());
  const which = (i: number): string => (entries.length === 1 ? "the URL" : `URL ${i + 1} of ${entries.length}`);
  const fail = (problem: string): Parsed<readonly string[]> => ({ ok: false, expected: `${urlListExpected}; ${problem}`, withholdText: true });
  const urls: URL[] = [];
  for (const [i, entry] of entries.entries()) {
    if (entry === "") return fail(`${which(i)} is empty`);
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return fail(`${which(i)} is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return fail(`${which(i)} is not http:// or https://`);
    if (url.username !== "" || url.password !== "") return fail(`${which(i)} has a user name or password in it (the agent signs its requests and sends neither)`);
    const first = urls[0];
    if (first !== undefined && url.protocol !== first.protocol) return fail(`URLs 1 and ${i + 1} differ in scheme (${first.protocol}// and ${url.protocol}//): all must share one`);
    const same = urls.findIndex((u) => u.href === url.href);
    if (same >= 0) return fail(`URLs ${same + 1} and ${i + 1} are the same`);
    urls.push(url);
  }
  return ok(entries);
};
