import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { awsRegions } from "./domain/regions.js";

/**
 * What a server keeps in its data directory (`--data-dir`), in one place: the server, the region
 * planes and `berth store copy` (which must say what a replica needs besides the database) read
 * it from here. The home region's state is at the root; every other region's under
 * `regions/<region>/`, laid out as the root is (its store and its registry).
 */
export const dataDirFiles = {
  /** The root access key (an AWS credentials file). */
  credentials: "credentials",
  /** The key that seals IAM's secret access keys in the store. */
  iamKey: "iam-key",
  /** The region whose state is at the root (`--region` of the first start). */
  homeRegion: "region",
  /** The directories of the other regions. */
  regions: "regions",
  /** A region's image registry: blobs, upload sessions, and the metadata file when on SQLite. */
  registry: "registry",
  /** Signs registry passwords and download URLs (in the root's registry directory). */
  tokenSecret: "token-secret",
  /** The registry's metadata on SQLite, in a region's registry directory. */
  registryDb: "registry.db",
} as const;

/** Another region's directory (the home region's is the data directory itself). */
export const regionDirOf = (dataDir: string, region: string): string => join(dataDir, dataDirFiles.regions, region);

/** A region's registry directory. */
export const registryDirOf = (regionDir: string): string => join(regionDir, dataDirFiles.registry);

/** The region recorded at the data directory's root, if a server ever started there. */
export function recordedHomeRegion(dataDir: string): string | undefined {
  const marker = join(dataDir, dataDirFiles.homeRegion);
  return existsSync(marker) ? readFileSync(marker, "utf8").trim() : undefined;
}

/** The regions other than `home` that have a directory (state) in the data directory, in name order. */
export function otherRegionsOnDisk(dataDir: string, home: string): string[] {
  const dir = join(dataDir, dataDirFiles.regions);
  return existsSync(dir) ? readdirSync(dir).filter((r) => awsRegions.has(r) && r !== home).sort() : [];
}
