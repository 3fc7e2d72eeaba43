import { arnId } from "../../domain/arn.js";
import { agentRoleName, type Principal } from "../../auth/principal.js";
import type { QueryService } from "../aws-query/service.js";
import { stsErrors } from "./errors.js";
import type { IamDeps } from "../iam/deps.js";
import { assumeRoleOperation } from "./assume-role.js";

/** GetCallerIdentity's `UserId`, as AWS gives it for each kind of caller. */
function userIdOf(principal: Principal, accountId: string): string {
  switch (principal.kind) {
    case "root":
      return accountId;
    case "agent":
      return `${agentRoleName}:${arnId(principal.containerInstanceArn)}`;
    case "user":
      return principal.userId;
    case "assumed-role":
      return `${principal.roleId}:${principal.sessionName}`;
  }
}

/**
 * AWS STS over the Query protocol. GetCallerIdentity answers who signed the request (auth/principal.ts):
 * the account's root key is `arn:aws:iam::<account>:root` with the account id as its user id, as AWS
 * answers for root credentials; an agent is its assumed-role ARN, with `<role>:<container instance id>`
 * as its user id (AWS's `<role id>:<session name>`); IAM users and role sessions as AWS names them.
 * AssumeRole (assume-role.ts) when IAM is served.
 */
export function stsService(iam?: IamDeps): QueryService {
  return {
    signingName: "sts",
    version: "2011-06-15",
    xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
    errors: stsErrors,
    operations: {
      GetCallerIdentity: {
        handle: (_params, ctx) =>
          Promise.resolve({
            UserId: userIdOf(ctx.principal, ctx.partition.accountId),
            Account: ctx.partition.accountId,
            Arn: ctx.principal.arn,
          }),
      },
      ...(iam && { AssumeRole: assumeRoleOperation(iam) }),
    },
  };
}
