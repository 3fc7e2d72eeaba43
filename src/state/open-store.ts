import { join } from "node:path";
import type { StoreLocation } from "../config/server-config.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/** Where a region keeps its state: its directory, and whether it is the home region (`--region`). */
export interface RegionPlace {
  readonly dir: string;
  readonly home: boolean;
  readonly name: string;
}

/** A region's SQLite file, in the region's directory. */
export const sqliteFileOf = (region: Pick<RegionPlace, "dir">): string => join(region.dir, "berth.db");

/** A region's schema of the shared PostgreSQL database: the home region's is `public`, as its SQLite file is at the root. */
export const schemaOf = (region: Pick<RegionPlace, "home" | "name">): string => (region.home ? "public" : `region_${region.name.replaceAll("-", "_")}`);

/**
 * Opens one region's store: `berth.db` in the region's directory, or the region's schema of the
 * shared PostgreSQL database.
 */
export function openStore(location: StoreLocation, region: RegionPlace): Promise<Store> {
  if (location.kind === "sqlite") return Promise.resolve(new SqliteStore({ path: sqliteFileOf(region) }));
  return PostgresStore.open({ url: location.url, schema: schemaOf(region) });
}
