/** An API error as the page shows it: the exception's name (as AWS names it) and its message. */
export interface ShownError {
  readonly name: string;
  readonly message: string;
}

/**
 * The exception name and message of whatever a call threw. The AWS SDK throws its service
 * exceptions with the API's `__type` as `name`; network failures are plain errors.
 */
export function shownError(err: unknown): ShownError {
  if (err instanceof Error) return { name: err.name || "Error", message: err.message || "(no message)" };
  if (typeof err === "string") return { name: "Error", message: err };
  return { name: "Error", message: "An unknown error happened." };
}
