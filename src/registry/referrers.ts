import type { ManifestRecord } from "./metadata.js";

/**
 * The OCI referrers of a manifest: the manifests of the same repository whose `subject` names its
 * digest (signatures, SBOMs, attestations pushed with cosign, notation or oras). Derived from the
 * stored manifest bytes, so a referrer pushed before this code existed is found too.
 */
export interface Referrer {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  /** The manifest's `artifactType`, else its config's media type (the distribution spec's rule). */
  readonly artifactType?: string | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The digest a manifest's `subject` names, with what a referrers listing says of the manifest. */
export function subjectOf(m: Pick<ManifestRecord, "content" | "digest" | "mediaType">): { subject: string; referrer: Referrer } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(m.content.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(doc) || !isRecord(doc.subject) || typeof doc.subject.digest !== "string") return undefined;
  const configType = isRecord(doc.config) && typeof doc.config.mediaType === "string" ? doc.config.mediaType : undefined;
  const artifactType = typeof doc.artifactType === "string" ? doc.artifactType : configType;
  const annotations = isRecord(doc.annotations) ? stringEntries(doc.annotations) : undefined;
  return {
    subject: doc.subject.digest,
    referrer: {
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.content.length,
      ...(artifactType !== undefined && { artifactType }),
      ...(annotations !== undefined && Object.keys(annotations).length > 0 && { annotations }),
    },
  };
}

function stringEntries(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/**
 * The referrers of `subject` among `manifests`, in digest order (stable across pages), keeping only
 * the given artifact types when `artifactTypes` is non-empty.
 */
export function referrersOf(manifests: readonly ManifestRecord[], subject: string, artifactTypes?: readonly string[]): Referrer[] {
  const wanted = artifactTypes !== undefined && artifactTypes.length > 0 ? new Set(artifactTypes) : undefined;
  return manifests
    .map(subjectOf)
    .filter((s): s is NonNullable<typeof s> => s !== undefined && s.subject === subject)
    .map((s) => s.referrer)
    .filter((r) => wanted === undefined || (r.artifactType !== undefined && wanted.has(r.artifactType)))
    .sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}
