import type { LogPosition } from "./position.js";

/**
 * GetLogEvents' tokens, shaped as CloudWatch's (`f/` or `b/` and 56 digits): the direction and a
 * position in the stream's (timestamp, id) order: the last event seen going forward, the first going
 * backward. FilterLogEvents' nextToken carries the same position, opaque.
 */
export interface StreamToken {
  readonly direction: "f" | "b";
  readonly position: LogPosition;
}

export function encodeStreamToken(t: StreamToken): string {
  return `${t.direction}/${String(t.position.timestamp).padStart(20, "0")}${String(t.position.id).padStart(36, "0")}`;
}

export function decodeStreamToken(text: string): StreamToken | undefined {
  const m = /^([fb])\/(\d{20})(\d{36})$/.exec(text);
  if (!m) return undefined;
  const position = { timestamp: Number(m[2]), id: Number(m[3]) };
  if (!Number.isSafeInteger(position.timestamp) || !Number.isSafeInteger(position.id)) return undefined;
  return { direction: m[1] as "f" | "b", position };
}

export function encodeFilterToken(p: LogPosition): string {
  return Buffer.from(JSON.stringify([p.timestamp, p.id]), "utf8").toString("base64url");
}

export function decodeFilterToken(text: string): LogPosition | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && Number.isSafeInteger(v[1])) return { timestamp: v[0] as number, id: v[1] as number };
  } catch {
    // Not a token of ours.
  }
  return undefined;
}

/** CloudWatch's eventId: 56 digits. */
export const eventIdOf = (p: LogPosition): string => `${String(p.timestamp).padStart(20, "0")}${String(p.id).padStart(36, "0")}`;
