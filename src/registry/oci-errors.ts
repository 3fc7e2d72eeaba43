/**
 * The OCI distribution spec's error codes and the HTTP status each travels with. A handler throws
 * an {@link OciError}; the API's one error path serialises it as
 * `{"errors":[{"code","message","detail"}]}`.
 */
export const ociErrorStatus = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  /** The OCI spec's code for a client over a rate or quota limit (here: its upload-session limits). */
  TOOMANYREQUESTS: 429,
  /** distribution's code for a chunk that does not start at the upload's offset. */
  RANGE_INVALID: 416,
  /** Not one of the spec's codes: what distribution sends for a route that does not exist or an internal failure. */
  NOT_FOUND: 404,
  UNKNOWN: 500,
} as const;

export type OciErrorCode = keyof typeof ociErrorStatus;

/** An error a registry client sees in the distribution spec's JSON form. */
export class OciError extends Error {
  override readonly name = "OciError";
  constructor(
    readonly code: OciErrorCode,
    message: string,
    readonly detail?: unknown,
    /** Overrides the code's usual status where the spec asks for another (e.g. 416 for a bad chunk offset). */
    readonly statusOverride?: number,
  ) {
    super(message);
  }

  get status(): number {
    return this.statusOverride ?? ociErrorStatus[this.code];
  }

  toJSON(): { errors: { code: string; message: string; detail?: unknown }[] } {
    const entry = this.detail === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, detail: this.detail };
    return { errors: [entry] };
  }
}
