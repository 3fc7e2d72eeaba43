import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export interface DataDirLock {
  release(): void;
}

/**
 * Makes this process the only agent on `dataDir`: two agents on one directory would register as
 * one instance and evict each other from the control plane while both run its tasks.
 *
 * The lock is an exclusive SQLite lock on `<dataDir>/agent.lock` (a POSIX record lock underneath):
 * the kernel drops it when the holder exits, however it exits, so a SIGKILLed agent never blocks
 * the next start and there is no stale file to judge. The holder writes its pid to `agent.pid`,
 * only so that the refusal can name it.
 */
export function lockDataDir(dataDir: string, pid: number = process.pid): DataDirLock {
  const pidFile = join(dataDir, "agent.pid");
  const db = new Database(join(dataDir, "agent.lock"), { timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    // The first write takes the exclusive lock; in EXCLUSIVE mode SQLite keeps it after the commit.
    db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder; INSERT INTO holder VALUES (" + String(pid) + ")");
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code !== "SQLITE_BUSY") throw err;
    const holder = readPid(pidFile);
    throw new Error(
      `another berth agent${holder === undefined ? "" : ` (pid ${holder})`} is using the data dir ${dataDir}; stop it, or give this agent its own --data-dir (ECS_DATADIR)`,
    );
  }
  writeFileSync(pidFile, `${pid}\n`);
  return {
    release() {
      if (readPid(pidFile) === pid) rmSync(pidFile, { force: true });
      db.close();
    },
  };
}

function readPid(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
