import { isDigest } from "./digest.js";

/** The manifest media types the registry stores (docker schema 2 and OCI; schema 1 is long gone from docker). */
export const mediaTypes = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;

export type ManifestMediaType = (typeof mediaTypes)[keyof typeof mediaTypes];

const imageTypes: readonly string[] = [mediaTypes.dockerManifest, mediaTypes.ociManifest];
const indexTypes: readonly string[] = [mediaTypes.dockerManifestList, mediaTypes.ociIndex];

export const isManifestMediaType = (t: string): t is ManifestMediaType => imageTypes.includes(t) || indexTypes.includes(t);

/** Layers a registry never holds: their bytes live at the URLs the descriptor names. */
const foreignLayerTypes: readonly string[] = [
  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
];

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** A manifest understood well enough to check its references and to size the image. */
export type ParsedManifest =
  | {
      readonly kind: "image";
      readonly mediaType: ManifestMediaType;
      readonly config: Descriptor;
      readonly layers: readonly Descriptor[];
    }
  | { readonly kind: "index"; readonly mediaType: ManifestMediaType; readonly manifests: readonly Descriptor[] };

export type ParseResult = { readonly ok: true; readonly manifest: ParsedManifest } | { readonly ok: false; readonly reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function descriptor(v: unknown, where: string): Descriptor | string {
  if (!isRecord(v)) return `${where} is not an object`;
  const { mediaType, digest, size } = v;
  if (typeof digest !== "string" || !isDigest(digest)) return `${where}.digest is not a sha256 digest`;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return `${where}.size is not a non-negative integer`;
  return { mediaType: typeof mediaType === "string" ? mediaType : "", digest, size };
}

function descriptors(v: unknown, where: string): Descriptor[] | string {
  if (!Array.isArray(v)) return `${where} is not an array`;
  const out: Descriptor[] = [];
  for (const [i, item] of v.entries()) {
    const d = descriptor(item, `${where}[${i}]`);
    if (typeof d === "string") return d;
    out.push(d);
  }
  return out;
}

/**
 * Parses manifest bytes. The media type comes from the request's Content-Type when it names a
 * manifest type, else from the document's own `mediaType` (OCI makes that field optional, so an
 * OCI manifest without either is told apart by having `config` or `manifests`).
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return { ok: false, reason: "manifest is not valid JSON" };
  }
  if (!isRecord(doc)) return { ok: false, reason: "manifest is not a JSON object" };
  if (doc.schemaVersion !== 2) return { ok: false, reason: "only schemaVersion 2 manifests are supported" };
  const declared = typeof doc.mediaType === "string" ? doc.mediaType : undefined;
  const header = contentType?.split(";")[0]?.trim();
  const mediaType =
    header !== undefined && isManifestMediaType(header)
      ? header
      : declared ?? ("manifests" in doc ? mediaTypes.ociIndex : mediaTypes.ociManifest);
  if (!isManifestMediaType(mediaType)) return { ok: false, reason: `unsupported manifest media type ${mediaType}` };
  if (declared !== undefined && declared !== mediaType) {
    return { ok: false, reason: `mediaType ${declared} does not match Content-Type ${mediaType}` };
  }
  if (indexTypes.includes(mediaType)) {
    const manifests = descriptors(doc.manifests, "manifests");
    return typeof manifests === "string" ? { ok: false, reason: manifests } : { ok: true, manifest: { kind: "index", mediaType, manifests } };
  }
  const config = descriptor(doc.config, "config");
  if (typeof config === "string") return { ok: false, reason: config };
  const layers = descriptors(doc.layers, "layers");
  if (typeof layers === "string") return { ok: false, reason: layers };
  return { ok: true, manifest: { kind: "image", mediaType, config, layers } };
}

/** Descriptors of the blobs the registry must hold before it accepts the manifest (foreign layers excluded), repeats included. */
export function blobDescriptors(m: ParsedManifest): Descriptor[] {
  if (m.kind === "index") return [];
  return [m.config, ...m.layers.filter((l) => !foreignLayerTypes.includes(l.mediaType))];
}

/** Blobs the registry must hold before it accepts the manifest (foreign layers excluded). */
export const requiredBlobs = (m: ParsedManifest): string[] => [...new Set(blobDescriptors(m).map((d) => d.digest))];

/** Manifests the registry must hold before it accepts an index. */
export const requiredManifests = (m: ParsedManifest): string[] => (m.kind === "index" ? [...new Set(m.manifests.map((d) => d.digest))] : []);

/**
 * What ECR reports as `imageSizeInBytes`: the config plus the (compressed) layers for an image;
 * for an index, the sum of its children as given by `childSize` (undefined children count 0).
 */
export function imageSizeOf(m: ParsedManifest, childSize: (digest: string) => number | undefined): number {
  if (m.kind === "image") return m.config.size + m.layers.reduce((sum, l) => sum + l.size, 0);
  return m.manifests.reduce((sum, d) => sum + (childSize(d.digest) ?? 0), 0);
}
