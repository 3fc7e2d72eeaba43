import type { JsonService } from "../aws-json/service.js";
import { deleteOperations } from "./delete-parameters.js";
import type { SsmDeps } from "./deps.js";
import { describeOperation } from "./describe-parameters.js";
import { ssmErrors } from "./errors.js";
import { getOperations } from "./get-parameters.js";
import { historyOperation } from "./history.js";
import { labelOperations } from "./labels.js";
import { putOperation } from "./put-parameter.js";
import { tagOperations } from "./tags.js";

/** AWS Systems Manager's Parameter Store (AWS JSON 1.1, `AmazonSSM`, signing name `ssm`): the rest of Systems Manager is not offered. */
export function ssmService(deps: SsmDeps): JsonService {
  return {
    targetPrefix: "AmazonSSM",
    signingName: "ssm",
    errors: ssmErrors,
    missingMemberError: "ValidationException",
    operations: {
      ...putOperation(deps),
      ...getOperations(deps),
      ...describeOperation(deps),
      ...historyOperation(deps),
      ...labelOperations(deps),
      ...deleteOperations(deps),
      ...tagOperations(deps),
    },
  };
}
