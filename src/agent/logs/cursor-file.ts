import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeCursor, encodeCursor, type LogCursor } from "./docker-lines.js";

/**
 * Each shipped container's cursor, one small file per container under `<data-dir>/log-cursors/`,
 * replaced atomically (write, then rename) after every batch the server accepted.
 */
export class CursorFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "log-cursors");
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  read(containerId: string): LogCursor | undefined {
    try {
      return decodeCursor(readFileSync(this.path(containerId), "utf8"));
    } catch {
      return undefined;
    }
  }

  write(containerId: string, cursor: LogCursor | undefined): void {
    const path = this.path(containerId);
    writeFileSync(`${path}.tmp`, encodeCursor(cursor));
    renameSync(`${path}.tmp`, path);
  }

  remove(containerId: string): void {
    rmSync(this.path(containerId), { force: true });
  }

  private path(containerId: string): string {
    if (!/^[0-9a-f]{12,64}$/.test(containerId)) throw new Error(`not a container id: ${containerId}`);
    return join(this.dir, containerId);
  }
}
