import { join } from "node:path";
import { ContainerFiles } from "../container-files.js";
import { decodeCursor, encodeCursor, type LogCursor } from "./docker-lines.js";

/** Each shipped container's cursor, one small file per container under `<data-dir>/log-cursors/`, replaced after every batch the server accepted. */
export class CursorFiles {
  private readonly files: ContainerFiles;

  constructor(dataDir: string) {
    this.files = new ContainerFiles(join(dataDir, "log-cursors"));
  }

  read(containerId: string): LogCursor | undefined {
    const text = this.files.read(containerId);
    return text === undefined ? undefined : decodeCursor(text);
  }

  write(containerId: string, cursor: LogCursor | undefined): void {
    this.files.write(containerId, encodeCursor(cursor));
  }

  remove(containerId: string): void {
    this.files.remove(containerId);
  }
}
