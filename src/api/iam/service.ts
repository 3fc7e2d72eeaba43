import type { QueryService } from "../aws-query/service.js";
import type { IamDeps } from "./deps.js";
import { iamErrors } from "./errors.js";
import { boundaryOperations } from "./boundaries.js";
import { groupOperations } from "./groups.js";
import { identityKinds, inlinePolicyOperations } from "./inline-policies.js";
import { attachmentOperations, managedPolicyOperations } from "./managed-policies.js";
import { roleOperations } from "./roles.js";
import { simulateOperations } from "./simulate.js";
import { userOperations } from "./users.js";

/**
 * AWS IAM over the Query protocol (API version 2010-05-08): users and their access keys, groups, roles
 * and their trust policies, inline and managed policies, attachments, and the policy simulator.
 * One operation table; every write recompiles the principals it affects (auth/iam-directory.ts).
 */
export function iamService(deps: IamDeps): QueryService {
  return {
    signingName: "iam",
    version: "2010-05-08",
    xmlNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
    errors: iamErrors,
    operations: {
      ...userOperations(deps),
      ...groupOperations(deps),
      ...roleOperations(deps),
      ...identityKinds.reduce((ops, kind) => ({ ...ops, ...inlinePolicyOperations(deps, kind), ...attachmentOperations(deps, kind) }), {}),
      ...managedPolicyOperations(deps),
      ...simulateOperations(deps),
      ...boundaryOperations(deps),
    },
  };
}
