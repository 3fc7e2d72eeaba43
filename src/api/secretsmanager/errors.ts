import { AwsError, type ErrorCatalog } from "../../errors/catalog.js";

/**
 * Secrets Manager's error catalog: every exception of its AWS model, with its status (each a 400
 * but the server's own fault). Berth raises neither EncryptionFailure nor PreconditionNotMetException
 * (no KMS, no replication), nor LimitExceededException (it drops versions rather than refuse); they
 * are here because the operations it serves declare them. A request that breaks the model's
 * constraints (a name's characters, a member's length) is the front door's ValidationException, as
 * Secrets Manager answers it.
 */
export const secretsManagerErrors = {
  ResourceNotFoundException: 400,
  ResourceExistsException: 400,
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  InvalidNextTokenException: 400,
  DecryptionFailure: 400,
  EncryptionFailure: 400,
  LimitExceededException: 400,
  MalformedPolicyDocumentException: 400,
  PreconditionNotMetException: 400,
  PublicPolicyException: 400,
  InternalServiceError: 500,
} as const satisfies ErrorCatalog;

export type SecretsManagerErrorName = keyof typeof secretsManagerErrors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds Secrets Manager's names
  interface ServiceErrorNames extends Record<SecretsManagerErrorName, true> {}
}

/** Secrets Manager's words for a SecretId that names no secret (or one deleted for good). */
export const secretNotFound = (): AwsError => new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

/** What most calls answer for a secret scheduled for deletion, until RestoreSecret. */
export const markedForDeletion = (): AwsError => new AwsError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");

/** A version that GetSecretValue (or a stage's move) cannot find: `for` is `VersionId: <id>` or `staging label: <label>`. */
export const valueNotFound = (what: string): AwsError => new AwsError("ResourceNotFoundException", `Secrets Manager can't find the specified secret value for ${what}`);

/** The server's key does not open a stored value (the data directory's `iam-key` is not the one it was sealed with). */
export const decryptionFailure = (): AwsError =>
  new AwsError("DecryptionFailure", "Secrets Manager can't decrypt the protected secret text: it was sealed with another key than this server's (<data-dir>/iam-key).");
