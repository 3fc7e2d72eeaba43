import { arnId } from "../../domain/arn.js";
import { agentRoleName } from "../../auth/principal.js";
import type { QueryService } from "../aws-query/service.js";
import { stsErrors } from "./errors.js";

/**
 * AWS STS over the Query protocol. GetCallerIdentity answers who signed the request (auth/principal.ts):
 * the account's root key is `arn:aws:iam::<account>:root` with the account id as its user id, as AWS
 * answers for root credentials; an agent is its assumed-role ARN, with `<role>:<container instance id>`
 * as its user id (AWS's `<role id>:<session name>`).
 */
export function stsService(): QueryService {
  return {
    signingName: "sts",
    version: "2011-06-15",
    xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
    errors: stsErrors,
    operations: {
      GetCallerIdentity: {
        handle: (_params, ctx) =>
          Promise.resolve({
            UserId: ctx.principal.kind === "root" ? ctx.partition.accountId : `${agentRoleName}:${arnId(ctx.principal.containerInstanceArn)}`,
            Account: ctx.partition.accountId,
            Arn: ctx.principal.arn,
          }),
      },
    },
  };
}
