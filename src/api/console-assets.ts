/**
 * Which file of the web console's build a request for `/console…` names, decided from the raw
 * request path alone (pure). Only plain file names directly in the build directory are served: a
 * name is letters, digits, `.`, `_` and `-`, never starts with a dot and has a known extension, so
 * no path (`..`, `/`, percent-escapes) can name a file outside it.
 */
export type ConsoleAsset =
  | { readonly kind: "file"; readonly name: string; readonly contentType: string }
  | { readonly kind: "not-found" }
  | { readonly kind: "method-not-allowed" };

const contentTypes: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  map: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
};

const consolePath = /^\/console(?:\/([A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)?)?$/;

/** The asset that `method` on the raw request target `target` (path and query) asks for. */
export function consoleAsset(method: string, target: string): ConsoleAsset {
  const path = target.split(/[?#]/, 1)[0] ?? "";
  const match = consolePath.exec(path);
  if (!match) return { kind: "not-found" };
  if (method !== "GET" && method !== "HEAD") return { kind: "method-not-allowed" };
  const name = match[1] ?? "index.html";
  const contentType = contentTypes[name.slice(name.lastIndexOf(".") + 1)];
  if (!name.includes(".") || contentType === undefined) return { kind: "not-found" };
  return { kind: "file", name, contentType };
}

/**
 * Headers of every console response: the page runs only its own script and style (no inline
 * code, so an API string that slipped into the page could not run), talks only to this origin
 * (the AWS API it signs requests for), and may not be framed or sniffed as another type.
 */
export const consoleHeaders: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};
