import type { BlobStore } from "./blob-store.js";
import { digestOf, isDigest } from "./digest.js";
import { planGc, type GcPlan } from "./gc-plan.js";
import { blobDescriptors, imageSizeOf, parseManifest, requiredBlobs, requiredManifests, type ParsedManifest } from "./manifest.js";
import type { ManifestRef, RegistryMetadata } from "./metadata.js";
import { isValidTag } from "./names.js";
import type { ReadersWriterLock } from "./rw-lock.js";
import { defaultUploadLimits, type UploadLimits } from "./upload-limits.js";
import { UploadSessions } from "./upload-sessions.js";

/** Where a manifest goes: `reference` is a tag or a digest, as in `PUT /v2/<name>/manifests/<reference>`. */
export interface PushManifest {
  readonly repository: string;
  readonly reference: string;
  readonly content: Buffer;
  readonly contentType?: string | undefined;
  /** Set by replication: such a push is not replicated again (ECR does not chain replication). */
  readonly replicated?: boolean | undefined;
}

/** A manifest the registry accepted from a client (docker push or PutImage), for replication. */
export interface ManifestPushed {
  readonly repository: string;
  readonly digest: string;
}

export type PushManifestResult =
  | { readonly ok: true; readonly digest: string; readonly mediaType: string; readonly created: boolean }
  | { readonly ok: false; readonly reason: "repository-not-found" | "tag-invalid" }
  | { readonly ok: false; readonly reason: "manifest-invalid"; readonly detail: string }
  | { readonly ok: false; readonly reason: "digest-mismatch"; readonly actual: string }
  | { readonly ok: false; readonly reason: "blob-unknown"; readonly digest: string }
  | { readonly ok: false; readonly reason: "manifest-unknown"; readonly digest: string }
  /** A descriptor's `size` is not the size of what it names (a blob, or a child manifest's bytes). */
  | { readonly ok: false; readonly reason: "size-mismatch"; readonly digest: string; readonly declared: number; readonly actual: number }
  | { readonly ok: false; readonly reason: "tag-immutable"; readonly currentDigest: string };

export interface RegistryOptions {
  readonly blobs: BlobStore;
  readonly metadata: RegistryMetadata;
  readonly clock: () => number;
  /** Per-principal limits on upload sessions; {@link defaultUploadLimits} when not given. */
  readonly uploadLimits?: UploadLimits | undefined;
}

/** Upload sessions are collected by their own idle timeout (`UploadLimits.idleTimeoutMs`), not here. */
export interface GcOptions {
  readonly blobGraceMs: number;
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
  /** The only way the distribution API touches upload sessions: it keeps each principal within its limits. */
  readonly uploads: UploadSessions;
  private readonly clock: () => number;
  /** The metadata's: it reaches as far as the metadata is shared (other replicas, with PostgreSQL). */
  private readonly gcLock: ReadersWriterLock;
  private readonly pushListeners: ((pushed: ManifestPushed) => void)[] = [];

  constructor(options: RegistryOptions) {
    this.blobs = options.blobs;
    this.metadata = options.metadata;
    this.gcLock = options.metadata.gcLock;
    this.clock = options.clock;
    this.uploads = new UploadSessions(options.blobs, options.uploadLimits ?? defaultUploadLimits, options.clock, (commit) => this.gcLock.read(commit));
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

  async pushManifest(push: PushManifest): Promise<PushManifestResult> {
    const result = await this.gcLock.read(() => this.push(push));
    if (result.ok && push.replicated !== true) for (const l of this.pushListeners) l({ repository: push.repository, digest: result.digest });
    return result;
  }

  /** Calls `listener` after each manifest a client pushes (not those replication writes); it must not throw. */
  onManifestPushed(listener: (pushed: ManifestPushed) => void): void {
    this.pushListeners.push(listener);
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
    const refused = await this.checkReferences(push.repository, manifest);
    if (refused !== undefined) return refused;
    const blobs = requiredBlobs(manifest);
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
   * Every descriptor must name something the repository holds, with the size it has: the image's
   * size, pulls and `Content-Length`s are computed from declared sizes, so a wrong one is refused
   * rather than stored. (distribution only checks existence; the OCI image spec makes `size` the
   * exact byte count of the target.)
   */
  private async checkReferences(repository: string, manifest: ParsedManifest): Promise<Exclude<PushManifestResult, { ok: true }> | undefined> {
    // Every reference is found before any size is compared: a missing blob is the more useful answer.
    const actual: { digest: string; declared: number; size: number }[] = [];
    for (const d of blobDescriptors(manifest)) {
      const info = (await this.metadata.isBlobLinked(repository, d.digest)) ? await this.blobs.stat(d.digest) : undefined;
      if (info === undefined) return { ok: false, reason: "blob-unknown", digest: d.digest };
      actual.push({ digest: d.digest, declared: d.size, size: info.size });
    }
    for (const d of manifest.kind === "index" ? manifest.manifests : []) {
      const child = await this.metadata.getManifest(repository, { digest: d.digest });
      if (child === undefined) return { ok: false, reason: "manifest-unknown", digest: d.digest };
      actual.push({ digest: d.digest, declared: d.size, size: child.content.length });
    }
    const wrong = actual.find((a) => a.declared !== a.size);
    return wrong === undefined ? undefined : { ok: false, reason: "size-mismatch", digest: wrong.digest, declared: wrong.declared, actual: wrong.size };
  }

  /**
   * Removes blobs no manifest refers to (past a grace period) and upload sessions idle past their timeout.
   * Returns what it removed. It holds the GC lock alone from its scan to its last deletion: a push
   * (on any replica sharing the metadata) either committed before the scan or checks after the
   * deletions, and a blob's upload is renamed into place before the scan (then it is young) or after.
   */
  collectGarbage(options: GcOptions): Promise<GcPlan> {
    return this.gcLock.write(() => this.collect(options));
  }

  private async collect(options: GcOptions): Promise<GcPlan> {
    const blobs = planGc({
      blobs: await this.blobs.list(),
      referenced: await this.metadata.referencedBlobs(),
      nowMs: this.clock(),
      ...options,
    });
    for (const d of blobs) await this.blobs.delete(d);
    await this.metadata.forgetBlobs(blobs);
    const uploads = await this.uploads.sweep();
    return { blobs, uploads };
  }
}
