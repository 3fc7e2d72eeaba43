import type { Writable } from "node:stream";
import { pino } from "pino";

/**
 * Where `berth up`'s logs go and how they look: JSON lines (pino's own) for machines, or one
 * readable line per record for a person at a terminal. `--log-format` decides; by default a
 * terminal gets readable lines and anything else (a pipe, a file, systemd) keeps JSON.
 */
export const logFormats = ["pretty", "json"] as const;
export type LogFormat = (typeof logFormats)[number];

export function logFormatFrom(flag: string | undefined, isTTY: boolean): LogFormat {
  if (flag === undefined) return isTTY ? "pretty" : "json";
  if (flag === "pretty" || flag === "json") return flag;
  throw new Error(`--log-format must be pretty or json; got '${flag}'.`);
}

/** Where a logger of `observability/logger.ts` writes, in the given format: `out` is stderr by default. */
export function logDestination(format: LogFormat, out: Writable = process.stderr): pino.DestinationStream {
  if (format === "json") return out === process.stderr ? pino.destination(2) : out;
  return { write: (line: string) => void out.write(prettyLine(line)) };
}

const levelNames: Readonly<Record<number, string>> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const plumbing = new Set(["level", "time", "pid", "hostname", "msg"]);

/** One pino JSON line as `12:00:01.234 WARN  message key=value …\n`; a line that is not JSON passes as it is. */
export function prettyLine(json: string): string {
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    return json.endsWith("\n") ? json : `${json}\n`;
  }
  if (!isRecord(record)) return `${json.trimEnd()}\n`;
  const fields = record;
  const time = typeof fields.time === "number" ? new Date(fields.time).toISOString().slice(11, 23) : "";
  const level = (typeof fields.level === "number" ? levelNames[fields.level] : undefined) ?? "INFO";
  const message = typeof fields.msg === "string" ? fields.msg : "";
  const rest = Object.entries(fields)
    .filter(([k]) => !plumbing.has(k))
    .map(([k, v]) => `${k}=${show(v)}`);
  return `${[time, level.padEnd(5), message, ...rest].filter((s) => s !== "").join(" ")}\n`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function show(v: unknown): string {
  if (typeof v === "string") return /\s/.test(v) ? JSON.stringify(v) : v;
  if (typeof v === "object" && v !== null && "message" in v && typeof v.message === "string") {
    const type = "type" in v && typeof v.type === "string" ? `${v.type}: ` : "";
    return JSON.stringify(`${type}${v.message}`);
  }
  return JSON.stringify(v);
}
