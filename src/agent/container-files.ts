import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One small file per container under a folder of the agent's data directory, named by the
 * container's id and replaced atomically (write, then rename): what the agent must remember of a
 * container across its own restarts (a log cursor, a restart count), which Docker does not keep.
 */
export class ContainerFiles {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  read(containerId: string): string | undefined {
    try {
      return readFileSync(this.path(containerId), "utf8");
    } catch {
      return undefined;
    }
  }

  write(containerId: string, text: string): void {
    const path = this.path(containerId);
    writeFileSync(`${path}.tmp`, text);
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
