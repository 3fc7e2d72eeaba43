import assert from "node:assert/strict";

/** What an AWS SDK v3 call was refused with; anything else the call throws (a network error) is rethrown. */
export async function refusal(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isServiceError(e)) return { name: e.name, status: e.$metadata.httpStatusCode, message: e.message };
    throw e;
  }
  assert.fail("the call succeeded");
}

/** An SDK service exception (every client's ServiceException carries `$fault` and `$metadata`). */
function isServiceError(e: unknown): e is Error & { $fault: string; $metadata: { httpStatusCode?: number } } {
  return e instanceof Error && "$fault" in e && "$metadata" in e;
}
