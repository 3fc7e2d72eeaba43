import { createRequire } from "node:module";

/** `@aws-sdk/client-secrets-manager`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-secrets-manager") as typeof import("@aws-sdk/client-secrets-manager");

export const {
  BatchGetSecretValueRequest$,
  CancelRotateSecretRequest$,
  CreateSecretRequest$,
  DeleteResourcePolicyRequest$,
  DeleteSecretRequest$,
  DescribeSecretRequest$,
  GetRandomPasswordRequest$,
  GetResourcePolicyRequest$,
  GetSecretValueCommand,
  GetSecretValueRequest$,
  ListSecretVersionIdsRequest$,
  ListSecretsRequest$,
  PutResourcePolicyRequest$,
  PutSecretValueRequest$,
  RemoveRegionsFromReplicationRequest$,
  ReplicateSecretToRegionsRequest$,
  RestoreSecretRequest$,
  RotateSecretRequest$,
  SecretsManagerClient,
  StopReplicationToReplicaRequest$,
  TagResourceRequest$,
  UntagResourceRequest$,
  UpdateSecretRequest$,
  UpdateSecretVersionStageRequest$,
  ValidateResourcePolicyRequest$,
} = sdk;

// The classes' instance types, under the same names, as the package exports them.
export type GetSecretValueCommand = import("@aws-sdk/client-secrets-manager").GetSecretValueCommand;
export type SecretsManagerClient = import("@aws-sdk/client-secrets-manager").SecretsManagerClient;
