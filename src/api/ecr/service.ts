import type { JsonService } from "../aws-json/service.js";
import { ecrErrors } from "./errors.js";
import { accountSettingOperations } from "./account-settings.js";
import { authorizationOperations } from "./authorization.js";
import { creationTemplateOperations } from "./creation-templates.js";
import type { EcrDeps } from "./deps.js";
import { imageOperations } from "./images.js";
import { layerOperations } from "./layers.js";
import { lifecyclePolicyOperations } from "./lifecycle-policies.js";
import { policyOperations } from "./policies.js";
import { referrerOperations } from "./referrers.js";
import { replicationBackfillOperations } from "./replication-backfills.js";
import { replicationOperations } from "./replication.js";
import { repositoryOperations } from "./repositories.js";
import { scanningOperations } from "./scanning.js";
import { tagOperations } from "./tags.js";
import { unofferedOperations } from "./unoffered.js";

/** Amazon ECR (2015-09-21): the operation table. Images move through the `/v2/` API; this is their control side. */
export function ecrService(deps: EcrDeps): JsonService {
  return {
    targetPrefix: "AmazonEC2ContainerRegistry_V20150921",
    signingName: "ecr",
    errors: ecrErrors,
    operations: {
      ...repositoryOperations(deps),
      ...imageOperations(deps),
      ...lifecyclePolicyOperations(deps),
      ...authorizationOperations(deps),
      ...tagOperations(deps),
      ...policyOperations(deps),
      ...layerOperations(deps),
      ...replicationOperations(deps),
      ...replicationBackfillOperations(deps),
      ...referrerOperations(deps),
      ...scanningOperations(deps),
      ...accountSettingOperations(deps),
      ...creationTemplateOperations(deps),
      ...unofferedOperations(),
    },
  };
}
