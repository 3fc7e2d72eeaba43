import { CancelRotateSecretRequest$, RemoveRegionsFromReplicationRequest$, ReplicateSecretToRegionsRequest$, RotateSecretRequest$, StopReplicationToReplicaRequest$ } from "../../aws-sdk/secrets-manager.js";
import { refusedOperation, type JsonService, type Refusal } from "../aws-json/service.js";
import { batchOperation } from "./batch.js";
import type { SecretsManagerDeps } from "./deps.js";
import { secretsManagerErrors } from "./errors.js";
import { listOperation } from "./list.js";
import { passwordOperation } from "./password.js";
import { policyOperations } from "./policies.js";
import { secretResources } from "./resources.js";
import { secretOperations } from "./secrets.js";
import { tagOperations } from "./tags.js";
import { valueOperations } from "./values.js";
import { versionOperations } from "./versions.js";

const rotation: Refusal = {
  kind: "refused",
  code: "InvalidRequestException",
  reason: "rotation runs an AWS Lambda function, which Berth does not have: put a new value with PutSecretValue (or UpdateSecret) instead",
};
const replication: Refusal = {
  kind: "refused",
  code: "InvalidRequestException",
  reason: "Berth does not replicate secrets between regions: each region's secrets are its own; create the secret in each region that reads it",
};

/** AWS Secrets Manager: secrets, their versions and staging labels (AWS JSON 1.1, `secretsmanager`, signing name `secretsmanager`). */
export function secretsManagerService(deps: SecretsManagerDeps): JsonService {
  return {
    targetPrefix: "secretsmanager",
    signingName: "secretsmanager",
    errors: secretsManagerErrors,
    resourcesOf: secretResources(deps.store),
    operations: {
      ...secretOperations(deps),
      ...valueOperations(deps),
      ...batchOperation(deps),
      ...versionOperations(deps),
      ...listOperation(deps),
      ...tagOperations(deps),
      ...policyOperations(deps),
      ...passwordOperation(deps),
      RotateSecret: refusedOperation("RotateSecret", RotateSecretRequest$, rotation),
      CancelRotateSecret: refusedOperation("CancelRotateSecret", CancelRotateSecretRequest$, rotation),
      ReplicateSecretToRegions: refusedOperation("ReplicateSecretToRegions", ReplicateSecretToRegionsRequest$, replication),
      RemoveRegionsFromReplication: refusedOperation("RemoveRegionsFromReplication", RemoveRegionsFromReplicationRequest$, replication),
      StopReplicationToReplica: refusedOperation("StopReplicationToReplica", StopReplicationToReplicaRequest$, replication),
    },
  };
}
