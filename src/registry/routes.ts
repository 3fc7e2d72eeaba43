/**
 * The distribution API's URL space, parsed once. Repository names contain `/`, so each pattern
 * anchors on the fixed suffix (`/blobs/…`, `/manifests/…`, `/tags/list`) and takes the rest as the name.
 */
export type Route =
  | { readonly kind: "base" }
  | { readonly kind: "catalog" }
  | { readonly kind: "tags"; readonly name: string }
  | { readonly kind: "manifest"; readonly name: string; readonly reference: string }
  | { readonly kind: "blob"; readonly name: string; readonly digest: string }
  | { readonly kind: "referrers"; readonly name: string; readonly digest: string }
  | { readonly kind: "uploads"; readonly name: string }
  | { readonly kind: "upload"; readonly name: string; readonly id: string };

const patterns: readonly [RegExp, (m: RegExpExecArray) => Route][] = [
  [/^\/v2\/?$/, () => ({ kind: "base" })],
  [/^\/v2\/_catalog$/, () => ({ kind: "catalog" })],
  [/^\/v2\/(.+)\/tags\/list$/, (m) => ({ kind: "tags", name: m[1]! })],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: "manifest", name: m[1]!, reference: m[2]! })],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: "uploads", name: m[1]! })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ kind: "upload", name: m[1]!, id: m[2]! })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: "blob", name: m[1]!, digest: m[2]! })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: "referrers", name: m[1]!, digest: m[2]! })],
];

/** The route a path names, or undefined when it names none. `pathname` excludes the query string. */
export function parseRoute(pathname: string): Route | undefined {
  for (const [re, build] of patterns) {
    const m = re.exec(pathname);
    if (m) return build(m);
  }
  return undefined;
}

export const uploadLocation = (name: string, id: string): string => `/v2/${name}/blobs/uploads/${id}`;
export const blobLocation = (name: string, digest: string): string => `/v2/${name}/blobs/${digest}`;
export const manifestLocation = (name: string, digest: string): string => `/v2/${name}/manifests/${digest}`;
