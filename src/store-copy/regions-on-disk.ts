import { existsSync } from "node:fs";
import { join } from "node:path";
import { dataDirFiles, otherRegionsOnDisk, recordedHomeRegion, regionDirOf, registryDirOf } from "../data-dir.js";
import { schemaOf, sqliteFileOf } from "../state/open-store.js";
import { StoreCopyRefusal } from "./refusal.js";

/** One region's SQLite files, and the schema of the database they go into (the one its server would open). */
export interface RegionFiles {
  readonly region: string;
  readonly schema: string;
  /** The store: `berth.db`. */
  readonly store: string;
  /** The registry's metadata (`registry/registry.db`), when the region's registry ever started. */
  readonly registry?: string;
}

/**
 * Every region with state in the data directory, the home region first (its files at the root,
 * into `public`), then the others (`regions/<region>/`, into `region_<name>`).
 */
export function regionsOnDisk(dataDir: string): RegionFiles[] {
  const home = recordedHomeRegion(dataDir);
  if (home === undefined || !existsSync(sqliteFileOf({ dir: dataDir }))) {
    throw new StoreCopyRefusal("no-state", `${dataDir} holds no Berth state on SQLite (no berth.db and region file): give the --data-dir the server ran with.`);
  }
  const places = [{ region: home, dir: dataDir, home: true }, ...otherRegionsOnDisk(dataDir, home).map((region) => ({ region, dir: regionDirOf(dataDir, region), home: false }))];
  return places
    .filter((p) => existsSync(sqliteFileOf(p)))
    .map((p) => {
      const registry = join(registryDirOf(p.dir), dataDirFiles.registryDb);
      return { region: p.region, schema: schemaOf({ home: p.home, name: p.region }), store: sqliteFileOf(p), ...(existsSync(registry) && { registry }) };
    });
}
