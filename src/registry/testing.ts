import { createServer, type Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobStore } from "./blob-store.js";
import { createDistributionHandler } from "./distribution-api.js";
import { digestOf } from "./digest.js";
import { mediaTypes } from "./manifest.js";
import type { RegistryMetadata, TagMutability } from "./metadata.js";
import { Registry } from "./registry.js";
import { SqliteRegistryMetadata } from "./sqlite-metadata.js";
import type { UploadLimits } from "./upload-limits.js";

/** Test support: a registry on a temporary directory, served on 127.0.0.1:0. Not used by production code. */
export interface TestRegistry {
  readonly base: string;
  readonly dataDir: string;
  readonly registry: Registry;
  readonly clock: { now: number };
  /** Basic credentials the server accepts, as principal {@link testPrincipal}. */
  readonly auth: string;
  /** Basic credentials for another principal. */
  authAs(principal: string): string;
  createRepository(name: string, mutability?: TagMutability): Promise<void>;
  close(): Promise<void>;
}

export const testPassword = "s3cret-token";
export const testPrincipal = "tester";

const basic = (password: string): string => `Basic ${Buffer.from(`AWS:${password}`).toString("base64")}`;

export interface TestRegistryOptions {
  readonly uploadLimits?: UploadLimits;
  /** The metadata the registry keeps (which `close` closes); default a SQLite file in the data directory. */
  readonly metadata?: (dataDir: string) => Promise<RegistryMetadata>;
  /** Another registry's data directory, which `close` leaves: a second replica's, sharing the first's blobs. Default a new one. */
  readonly dataDir?: string;
}

/** The server accepts `testPassword` (as {@link testPrincipal}) and `testPassword/<principal>` (as that principal). */
export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "berth-registry-")));
  const clock = { now: Date.parse("2026-01-01T00:00:00Z") };
  const blobs = new BlobStore({ dataDir, clock: () => clock.now });
  await blobs.init();
  const metadata = options.metadata ? await options.metadata(dataDir) : new SqliteRegistryMetadata(join(dataDir, "registry.db"));
  const registry = new Registry({ blobs, metadata, clock: () => clock.now, uploadLimits: options.uploadLimits });
  const handler = createDistributionHandler({
    registry,
    registryId: "000000000000",
    authenticate: (u, p) => {
      if (u !== "AWS") return Promise.resolve(undefined);
      if (p === testPassword) return Promise.resolve(testPrincipal);
      return Promise.resolve(p.startsWith(`${testPassword}/`) ? p.slice(testPassword.length + 1) : undefined);
    },
  });
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  const { port } = address;
  return {
    base: `http://127.0.0.1:${port}`,
    dataDir,
    registry,
    clock,
    auth: basic(testPassword),
    authAs: (principal) => basic(`${testPassword}/${principal}`),
    async createRepository(name, mutability = "MUTABLE") {
      await metadata.createRepository({ name, createdAtMs: clock.now, imageTagMutability: mutability });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await metadata.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Bytes and their digest. */
export const aBlob = (text: string): { bytes: Buffer; digest: string } => {
  const bytes = Buffer.from(text);
  return { bytes, digest: digestOf(bytes) };
};

/** A docker schema 2 image manifest over the given config and layers. */
export function anImageManifest(config: { bytes: Buffer; digest: string }, layers: { bytes: Buffer; digest: string }[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.dockerManifest,
      config: { mediaType: "application/vnd.docker.container.image.v1+json", size: config.bytes.length, digest: config.digest },
      layers: layers.map((l) => ({ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: l.bytes.length, digest: l.digest })),
    }),
  );
}

/** Uploads `blobs` into `repository` and links them there, as a client's blob uploads would; throws if one is refused. */
export async function uploadBlobs(registry: Registry, repository: string, blobs: readonly { bytes: Buffer; digest: string }[]): Promise<void> {
  for (const b of blobs) {
    const u = await registry.blobs.startUpload(repository);
    const done = await registry.blobs.complete(u.id, b.digest, Readable.from([b.bytes]));
    if (!done.ok) throw new Error(`upload of ${b.digest} to ${repository} refused: ${JSON.stringify(done)}`);
    await registry.linkUploadedBlob(repository, b.digest);
  }
}

/**
 * Pushes a one-layer image, distinct per `seed` (config `config <seed>`, layer `layer <seed>`), into
 * the existing `repository` as the distribution API would: blobs, then the manifest under `tag`, or
 * untagged (by its digest) when absent. Returns the manifest's digest; throws if the push is refused.
 */
export async function pushOneLayerImage(registry: Registry, repository: string, seed: string, tag?: string): Promise<string> {
  const config = aBlob(`config ${seed}`);
  const layer = aBlob(`layer ${seed}`);
  await uploadBlobs(registry, repository, [config, layer]);
  const content = anImageManifest(config, [layer]);
  const r = await registry.pushManifest({ repository, reference: tag ?? digestOf(content), content, contentType: mediaTypes.dockerManifest });
  if (!r.ok) throw new Error(`push to ${repository} refused: ${r.reason}`);
  return r.digest;
}

/** Held calls wait at the gate: `reached` settles when one arrives, `open()` lets them all on. */
export function aGate() {
  let reach!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const opened = new Promise<void>((r) => (open = r));
  return { reached, open, pass: () => (reach(), opened) };
}
export type Gate = ReturnType<typeof aGate>;

/**
 * An image pushed to a new repository `app` and then deleted: its blobs are linked to `app` but no
 * manifest refers to them, and the registry's clock is two days on, past any blob grace period.
 */
export async function anOrphanedImage(t: TestRegistry): Promise<{ config: { bytes: Buffer; digest: string }; layer: { bytes: Buffer; digest: string }; manifest: Buffer }> {
  await t.createRepository("app");
  const digest = await pushOneLayerImage(t.registry, "app", "old", "v1");
  const deleted = await t.registry.metadata.deleteManifest("app", digest);
  if (!deleted.ok) throw new Error(`deleting ${digest} refused`);
  t.clock.now += 2 * 86_400_000;
  const config = aBlob("config old");
  const layer = aBlob("layer old");
  return { config, layer, manifest: anImageManifest(config, [layer]) };
}
