/**
 * What garbage collection and the writes that make a blob referenced or linked exclude each other
 * by: manifest pushes and blob mounts are readers (they may run together); GC is the writer, so it
 * never deletes a blob between a push's check that the blob exists and the commit that makes a
 * manifest refer to it. Its reach is the metadata's: `RegistryMetadata.gcLock`.
 */
export interface ReadersWriterLock {
  /** Runs `fn` holding the lock shared: until `fn`'s promise settles, no writer holds it. */
  read<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` holding the lock alone. */
  write<T>(fn: () => Promise<T>): Promise<T>;
}

/** A {@link ReadersWriterLock} for one process: enough where the metadata is one process's (SQLite). */
export class RwLock implements ReadersWriterLock {
  private readers = 0;
  private writer = false;
  private readonly waiting: (() => void)[] = [];

  async read<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.wait();
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.wake();
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer || this.readers > 0) await this.wait();
    this.writer = true;
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.wake();
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Wakes everyone; each re-checks its condition (simple, and fair enough for GC's rare runs). */
  private wake(): void {
    for (const w of this.waiting.splice(0)) w();
  }
}
