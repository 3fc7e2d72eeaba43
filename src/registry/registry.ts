import type { BlobStore } from "./blob-store.js";
import { digestOf, isDigest } from "./digest.js";
import { planGc, type GcPlan } from "./gc-plan.js";
import { imageSizeOf, parseManifest, requiredBlobs, requiredManifests } from "./manifest.js";
import type { ManifestRef, RegistryMetadata } from "./metadata.js";
import { isValidTag } from "./names.js";
import { RwLock } from "./rw-lock.js";

/** Where a manifest goes: `reference` is a tag or a digest, as in `PUT /v2/<name>/manifests/<reference>`. */
export interface PushManifest {
  readonly repository: string;
  readonly reference: string;
  readonly content: Buffer;
  readonly contentType?: string | undefined;
}

export type PushManifestResult =
  | { readonly ok: true; readonly digest: string; readonly mediaType: string; readonly created: boolean }
  | { readonly ok: false; readonly reason: "repository-not-found" | "tag-invalid" }
  | { readonly ok: false; readonly reason: "manifest-invalid"; readonly detail: string }
  | { readonly ok: false; readonly reason: "digest-mismatch"; readonly actual: string }
  | { readonly ok: false; readonly reason: "blob-unknown"; readonly digest: string }
  | { readonly ok: false; readonly reason: "manifest-unknown"; readonly digest: string }
  | { readonly ok: false; readonly reason: "tag-immutable"; readonly currentDigest: string };

export interface RegistryOptions {
  readonly blobs: BlobStore;
  readonly metadata: RegistryMetadata;
  readonly clock: () => number;
}

export interface GcOptions {
  readonly blobGraceMs: number;
  readonly uploadMaxAgeMs: number;
}

/** A tag or a digest reference. */
export const manifestRef = (reference: string): ManifestRef => (isDigest(reference) ? { digest: reference } : { tag: reference });

/**
 * The registry's rules over its two stores: what a manifest push must satisfy, and what GC may
 * remove. Both the distribution API and ECR's PutImage go through here, so docker pushes and SDK
 * pushes obey the same checks.
 */
export class Registry {
  readonly blobs: BlobStore;
  readonly metadata: RegistryMetadata;
  private readonly clock: () => number;
  private readonly gcLock = new RwLock();

  constructor(options: RegistryOptions) {
    this.blobs = options.blobs;
    this.metadata = options.metadata;
    this.clock = options.clock;
  }

  /** Whether `repository` may serve `digest`: the blob exists and was uploaded, mounted or referenced there. */
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    return (await this.metadata.isBlobLinked(repository, digest)) && (await this.blobs.stat(digest)) !== undefined;
  }

  /**
   * Makes a blob that `from` holds available in `to` without copying bytes (the spec's cross-repository
   * mount). False when `from` does not hold it, and the client must upload instead.
   */
  mountBlob(from: string, to: string, digest: string): Promise<boolean> {
    return this.gcLock.read(async () => {
      if (!(await this.hasBlob(from, digest))) return false;
      await this.metadata.linkBlob(to, digest);
      return true;
    });
  }

  /** Records an uploaded blob as part of `repository`. */
  linkUploadedBlob(repository: string, digest: string): Promise<void> {
    return this.gcLock.read(() => this.metadata.linkBlob(repository, digest));
  }

  pushManifest(push: PushManifest): Promise<PushManifestResult> {
    return this.gcLock.read(() => this.push(push));
  }

  private async push(push: PushManifest): Promise<PushManifestResult> {
    const repo = await this.metadata.getRepository(push.repository);
    if (repo === undefined) return { ok: false, reason: "repository-not-found" };
    const byDigest = isDigest(push.reference);
    if (!byDigest && !isValidTag(push.reference)) return { ok: false, reason: "tag-invalid" };
    const digest = digestOf(push.content);
    if (byDigest && push.reference !== digest) return { ok: false, reason: "digest-mismatch", actual: digest };
    const parsed = parseManifest(push.content, push.contentType);
    if (!parsed.ok) return { ok: false, reason: "manifest-invalid", detail: parsed.reason };
    const manifest = parsed.manifest;
    const blobs = requiredBlobs(manifest);
    for (const b of blobs) {
      if (!(await this.hasBlob(push.repository, b))) return { ok: false, reason: "blob-unknown", digest: b };
    }
    const children = requiredManifests(manifest);
    const childSizes = new Map<string, number>();
    for (const c of children) {
      const child = await this.metadata.getManifest(push.repository, { digest: c });
      if (child === undefined) return { ok: false, reason: "manifest-unknown", digest: c };
      childSizes.set(c, child.imageSize);
    }
    const result = await this.metadata.putManifest({
      repository: push.repository,
      digest,
      mediaType: manifest.mediaType,
      content: push.content,
      imageSize: imageSizeOf(manifest, (d) => childSizes.get(d)),
      pushedAtMs: this.clock(),
      blobs,
      manifests: children,
      tag: byDigest ? undefined : push.reference,
    });
    if (!result.ok) return result;
    return { ok: true, digest, mediaType: manifest.mediaType, created: result.created };
  }

  /**
   * Removes blobs no manifest refers to (past a grace period) and abandoned upload sessions.
   * Returns what it removed.
   */
  collectGarbage(options: GcOptions): Promise<GcPlan> {
    return this.gcLock.write(() => this.collect(options));
  }

  private async collect(options: GcOptions): Promise<GcPlan> {
    const plan = planGc({
      blobs: await this.blobs.list(),
      uploads: await this.blobs.listUploads(),
      referenced: await this.metadata.referencedBlobs(),
      nowMs: this.clock(),
      ...options,
    });
    for (const d of plan.blobs) await this.blobs.delete(d);
    await this.metadata.forgetBlobs(plan.blobs);
    for (const u of plan.uploads) await this.blobs.cancel(u);
    return plan;
  }
}
