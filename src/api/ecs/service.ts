import type { JsonService } from "../aws-json/service.js";
import { ecsErrors } from "./errors.js";
import { accountSettingOperations } from "./account-settings.js";
import { attributeOperations } from "./attributes.js";
import { capacityProviderOperations } from "./capacity-providers.js";
import { clusterOperations } from "./clusters.js";
import { containerInstanceOperations } from "./container-instances.js";
import type { EcsDeps } from "./deps.js";
import { pollEndpointOperations } from "./poll-endpoint.js";
import { serviceDeploymentOperations } from "./service-deployments.js";
import { serviceOperations } from "./services.js";
import { tagOperations } from "./tags.js";
import { taskDefinitionOperations } from "./task-definitions.js";
import { taskOperations } from "./tasks.js";
import { taskProtectionOperations } from "./task-protection.js";
import { taskSetOperations } from "./task-sets.js";
import { unofferedOperations } from "./unoffered.js";

/** Amazon ECS (2014-11-13): the operation table. */
export function ecsService(deps: EcsDeps): JsonService {
  return {
    targetPrefix: "AmazonEC2ContainerServiceV20141113",
    signingName: "ecs",
    errors: ecsErrors,
    operations: {
      ...clusterOperations(deps),
      ...taskDefinitionOperations(deps),
      ...tagOperations(deps),
      ...containerInstanceOperations(deps),
      ...attributeOperations(deps),
      ...taskOperations(deps),
      ...taskProtectionOperations(deps),
      ...serviceOperations(deps),
      ...serviceDeploymentOperations(deps),
      ...accountSettingOperations(deps),
      ...pollEndpointOperations(deps),
      ...capacityProviderOperations(deps),
      ...taskSetOperations(deps),
      ...unofferedOperations(),
    },
  };
}
