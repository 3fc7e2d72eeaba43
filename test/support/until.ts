/** How long {@link until} waits, and how often it asks. */
export interface UntilOptions {
  readonly timeoutMs?: number;
  readonly everyMs?: number;
}

/**
 * The one polling helper of the tests: asks `probe` every `everyMs` until it returns a value other
 * than `undefined`, and resolves with it. A probe that throws is asked again (the thing it asks may
 * not be up yet). Past `timeoutMs` it fails with "timed out after N ms waiting for <what>", and the
 * probe's last error if it had one.
 *
 * Tests wait on the signal that would show the outcome (a status, a report, a count), never on a
 * plain sleep; where no such signal exists, the test says why next to its sleep.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, { timeoutMs = 30_000, everyMs = 200 }: UntilOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `; last error: ${last.message}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
}
