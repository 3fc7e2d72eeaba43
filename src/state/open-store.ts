import { join } from "node:path";
import type { StoreLocation } from "../config/server-config.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/**
 * Opens one region's store: `berth.db` in the region's directory, or the region's schema of the
 * shared PostgreSQL database (the home region's is `public`, as its SQLite file is at the root).
 */
export function openStore(location: StoreLocation, region: { readonly dir: string; readonly home: boolean; readonly name: string }): Promise<Store> {
  if (location.kind === "sqlite") return Promise.resolve(new SqliteStore({ path: join(region.dir, "berth.db") }));
  return PostgresStore.open({ url: location.url, schema: region.home ? "public" : `region_${region.name.replaceAll("-", "_")}` });
}
