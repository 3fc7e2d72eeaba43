/**
 * The limits on upload sessions and the decisions they make, pure: usage and time are arguments.
 *
 * A principal (whoever a registry token belongs to) may hold a bounded number of open upload
 * sessions, holding a bounded number of bytes between them; a session untouched for the idle
 * timeout is abandoned. Completing or cancelling a session frees its share at once.
 */

export interface UploadLimits {
  /** Open upload sessions one principal may hold at once. */
  readonly maxSessionsPerPrincipal: number;
  /** Bytes the open sessions of one principal may hold together. */
  readonly maxBytesPerPrincipal: number;
  /** A session with no request and no byte arriving for this long is abandoned and its data removed. */
  readonly idleTimeoutMs: number;
}

/**
 * Room for several pushes at once: docker uploads 5 layers of an image in parallel (its
 * `max-concurrent-uploads`) and BuildKit about as many, so 100 sessions is a score of concurrent
 * pushes, with room for the sessions that interrupted pushes leave until they go idle. 16 GiB holds
 * five multi-gigabyte layers (CUDA or model images) in flight at once. A push never leaves a session
 * idle for minutes: 30 minutes without a byte means the client is gone.
 */
export const defaultUploadLimits: UploadLimits = {
  maxSessionsPerPrincipal: 100,
  maxBytesPerPrincipal: 16 * 1024 ** 3,
  idleTimeoutMs: 30 * 60_000,
};

/** What one principal's open sessions hold now. */
export interface PrincipalUsage {
  readonly sessions: number;
  readonly bytes: number;
}

export type LimitRefusal =
  | { readonly ok: false; readonly limit: "sessions"; readonly principal: string; readonly open: number; readonly max: number }
  | { readonly ok: false; readonly limit: "bytes"; readonly principal: string; readonly held: number; readonly adding: number; readonly max: number };

export type LimitVerdict = { readonly ok: true } | LimitRefusal;

/** Whether `principal` may open one more session. */
export function admitSession(principal: string, usage: PrincipalUsage, limits: UploadLimits): LimitVerdict {
  if (usage.sessions < limits.maxSessionsPerPrincipal) return { ok: true };
  return { ok: false, limit: "sessions", principal, open: usage.sessions, max: limits.maxSessionsPerPrincipal };
}

/** Whether `principal`'s sessions may take `adding` more bytes. */
export function admitBytes(principal: string, usage: PrincipalUsage, adding: number, limits: UploadLimits): LimitVerdict {
  if (usage.bytes + adding <= limits.maxBytesPerPrincipal) return { ok: true };
  return { ok: false, limit: "bytes", principal, held: usage.bytes, adding, max: limits.maxBytesPerPrincipal };
}

/** A session as the idle rule sees it. */
export interface SessionActivity {
  readonly id: string;
  readonly touchedAtMs: number;
  /** A chunk is streaming in: the session is in use however long ago it started. */
  readonly writing: boolean;
}

/** The sessions idle for `idleTimeoutMs` or longer at `nowMs` (the boundary is idle), sorted. */
export function idleSessions(sessions: Iterable<SessionActivity>, nowMs: number, idleTimeoutMs: number): string[] {
  const out: string[] = [];
  for (const s of sessions) if (!s.writing && nowMs - s.touchedAtMs >= idleTimeoutMs) out.push(s.id);
  return out.sort();
}
