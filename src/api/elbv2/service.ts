import type { QueryService } from "../aws-query/service.js";
import type { Elbv2Deps } from "./deps.js";
import { elbv2Errors } from "./errors.js";
import { listenerOperations } from "./listeners.js";
import { loadBalancerOperations } from "./load-balancers.js";
import { ruleOperations } from "./rules.js";
import { tagOperations } from "./tags.js";
import { targetGroupOperations } from "./target-groups.js";
import { targetOperations } from "./targets.js";

/** Elastic Load Balancing v2 over the Query protocol (signing name `elasticloadbalancing`, version 2015-12-01). */
export function elbv2Service(deps: Elbv2Deps): QueryService {
  return {
    signingName: "elasticloadbalancing",
    version: "2015-12-01",
    xmlNamespace: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
    errors: elbv2Errors,
    operations: {
      ...loadBalancerOperations(deps),
      ...targetGroupOperations(deps),
      ...listenerOperations(deps),
      ...ruleOperations(deps),
      ...targetOperations(deps),
      ...tagOperations(deps),
    },
  };
}
