import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "./registry.js";
import { OciError } from "./oci-errors.js";

/** Everything a distribution handler needs for one request. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly registry: Registry;
  /** The account id ECR names in its messages ("…in the registry with id '…'"). */
  readonly registryId: string;
  /** Whom the request's registry token belongs to: upload sessions are charged to them. */
  readonly principal: string;
}

export function send(res: ServerResponse, status: number, headers: Record<string, string | number> = {}, body?: string | Buffer): void {
  res.writeHead(status, { "Docker-Distribution-API-Version": "registry/2.0", ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string | number> = {}): void {
  const body = JSON.stringify(value);
  send(res, status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body), ...headers }, body);
}

/** Reads a small body (manifests) into memory, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buf.length;
    if (total > limit) throw new OciError("SIZE_INVALID", `manifest larger than ${limit} bytes`, undefined, 413);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** The user and password of a `Basic` Authorization header, undefined when absent or malformed. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const m = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The `n` and `last` pagination parameters of `_catalog` and `tags/list`. */
export function pageParams(url: URL, maxPage: number): { limit: number; after: string | undefined } {
  const n = url.searchParams.get("n");
  const parsed = n === null ? maxPage : Number(n);
  const limit = Number.isSafeInteger(parsed) && parsed >= 0 ? Math.min(parsed, maxPage) : maxPage;
  return { limit, after: url.searchParams.get("last") ?? undefined };
}

/** RFC 5988 `Link` header to the next page, as the spec's pagination describes. */
export const nextLink = (path: string, limit: number, last: string): string =>
  `<${path}?n=${limit}&last=${encodeURIComponent(last)}>; rel="next"`;
