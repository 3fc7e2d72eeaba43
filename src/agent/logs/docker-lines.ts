/**
 * Docker's log stream (`GET /containers/{id}/logs?timestamps=1`) read into lines: frames of an
 * 8-byte header (stream, 0, 0, 0, big-endian size) and a payload, each payload a line starting
 * with its RFC 3339 nanosecond timestamp. Pure, fed chunks as they come.
 */
export interface DockerLine {
  /** RFC 3339 with nanoseconds, as Docker wrote it: the line's position in the log. */
  readonly time: string;
  readonly timestampMs: number;
  readonly message: string;
}

export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** The complete lines in `chunk` and what came before it. */
  push(chunk: Buffer): DockerLine[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: DockerLine[] = [];
    let at = 0;
    while (this.pending.length - at >= 8) {
      const size = this.pending.readUInt32BE(at + 4);
      if (this.pending.length - at - 8 < size) break;
      const line = parseLine(this.pending.toString("utf8", at + 8, at + 8 + size));
      if (line) out.push(line);
      at += 8 + size;
    }
    this.pending = this.pending.subarray(at);
    return out;
  }
}

export function parseLine(payload: string): DockerLine | undefined {
  const space = payload.indexOf(" ");
  if (space < 0) return undefined;
  const time = payload.slice(0, space);
  const timestampMs = Date.parse(time);
  if (Number.isNaN(timestampMs)) return undefined;
  const message = payload.slice(space + 1).replace(/\r?\n$/, "");
  return { time, timestampMs, message };
}

/** Docker's `since` for a position: Unix seconds with nanoseconds (`1764400000.123456789`). */
export function sinceOf(time: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return "0";
  const seconds = Math.floor(Date.parse(`${m[1]!}${m[3]!}`) / 1000);
  return `${seconds}.${(m[2] ?? "").padEnd(9, "0").slice(0, 9)}`;
}

/**
 * A position in a container's log: the time of the last line shipped and how many lines with
 * exactly that time were shipped (Docker may write several in one nanosecond). "" is the start.
 */
export interface LogCursor {
  readonly time: string;
  readonly count: number;
}

export const encodeCursor = (c: LogCursor | undefined): string => (c === undefined ? "" : `${c.time}#${c.count}`);
export function decodeCursor(text: string): LogCursor | undefined {
  const hash = text.lastIndexOf("#");
  if (hash < 0) return undefined;
  const count = Number(text.slice(hash + 1));
  return Number.isInteger(count) && count > 0 ? { time: text.slice(0, hash), count } : undefined;
}

/** The cursor after `line`, shipped after `cursor`. */
export const advance = (cursor: LogCursor | undefined, line: DockerLine): LogCursor =>
  cursor !== undefined && cursor.time === line.time ? { time: line.time, count: cursor.count + 1 } : { time: line.time, count: 1 };
