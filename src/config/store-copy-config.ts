import { dataDirOf, storeLocation } from "./server-config.js";

/** `berth store copy` as given: the server's own flags for the data directory and the store. */
export interface RawStoreCopyConfig {
  readonly dataDir?: string | undefined;
  readonly store?: string | undefined;
}

export interface StoreCopyConfig {
  /** The data directory whose SQLite files are copied (absolute). */
  readonly dataDir: string;
  /** The PostgreSQL database they are copied into. */
  readonly url: string;
}

/**
 * Compiles `berth store copy`'s flags and environment, read as `berth server` reads them: the
 * same `--data-dir` and `--store` (`BERTH_DATA_DIR`, `BERTH_STORE`) that the servers on PostgreSQL
 * are then started with. The store must be PostgreSQL: SQLite is where the state comes from.
 */
export function compileStoreCopyConfig(flags: RawStoreCopyConfig, env: NodeJS.ProcessEnv): StoreCopyConfig {
  const store = flags.store ?? env.BERTH_STORE;
  if (store === undefined) throw new Error("--store (BERTH_STORE) must name the PostgreSQL database to copy into, e.g. postgres://berth:secret@db.internal/berth.");
  const location = storeLocation(store);
  if (location.kind !== "postgres") throw new Error("--store (BERTH_STORE) must be a postgres:// URL: the copy goes from the SQLite files of --data-dir into PostgreSQL.");
  return { dataDir: dataDirOf(flags.dataDir, env), url: location.url };
}
