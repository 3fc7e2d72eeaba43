import type { QueryService } from "../aws-query/service.js";

/**
 * AWS STS over the Query protocol. GetCallerIdentity answers who signed the request: the account's
 * root key is `arn:aws:iam::<account>:root` with the account id as its user id, as AWS answers for
 * root credentials.
 */
export function stsService(): QueryService {
  return {
    signingName: "sts",
    version: "2011-06-15",
    xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
    operations: {
      GetCallerIdentity: {
        handle: (_params, ctx) =>
          Promise.resolve({
            UserId: ctx.partition.accountId,
            Account: ctx.partition.accountId,
            Arn: `arn:aws:iam::${ctx.partition.accountId}:root`,
          }),
      },
    },
  };
}
