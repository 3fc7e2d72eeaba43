/**
 * Reading what the Docker engine sends back without trusting its shape: newline-delimited JSON
 * streams (pull progress, events) and dockerode's error objects.
 */

/** Each JSON value of a newline-delimited stream, as `unknown`; lines that are not JSON are skipped. */
export async function* readJsonLines(stream: NodeJS.ReadableStream): AsyncGenerator<unknown> {
  let buffer = "";
  for await (const chunk of stream) {
    buffer += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      const value = parseLine(line);
      if (value !== undefined) yield value;
    }
  }
  const last = parseLine(buffer.trim());
  if (last !== undefined) yield last;
}

function parseLine(line: string): unknown {
  if (line === "") return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined; // a proxy's banner or a torn line: not ours to interpret
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** `value[key]` when value is an object and that member is a string. */
export function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === "string" ? v : undefined;
}

/** The HTTP status dockerode attaches to an engine error. */
export function statusCode(error: unknown): number | undefined {
  if (!isRecord(error)) return undefined;
  const v = error.statusCode;
  return typeof v === "number" ? v : undefined;
}

/**
 * The engine's own words for a failure (`{"message": …}` of its JSON body) rather than
 * dockerode's "(HTTP code 404) no such container - …" wrapping; else the error's message with that
 * wrapping removed. Streaming calls (pulls) carry no parsed body, only the wrapped text, whose cause
 * may itself be the engine's JSON.
 */
export function errorMessage(error: unknown): string {
  if (isRecord(error)) {
    const fromEngine = stringField(error.json, "message");
    if (fromEngine !== undefined) return fromEngine.trim();
  }
  if (error instanceof Error) return withoutClientWrapping(error.message);
  return String(error);
}

/** docker-modem's `(HTTP code 500) server error - <cause> `. */
const clientWrapping = /^\(HTTP code \d+\) [^-]*- /;

/** The cause inside docker-modem's wrapping: the engine's JSON `message` when the cause is JSON. */
export function withoutClientWrapping(message: string): string {
  const cause = message.replace(clientWrapping, "").trim();
  if (cause.startsWith("{")) {
    const inner = stringField(parseLine(cause), "message");
    if (inner !== undefined) return inner.trim();
  }
  return cause;
}
