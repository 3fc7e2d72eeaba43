import type { QueryService } from "../aws-query/service.js";
import type { Ec2Deps } from "./deps.js";
import { ec2Errors } from "./errors.js";
import { ruleOperations } from "./rules.js";
import { securityGroupOperations } from "./security-groups.js";
import { ec2ErrorXml, ec2ResultXml } from "./xml.js";

/**
 * Amazon EC2's security groups over EC2's own Query protocol (signing name `ec2`, version
 * 2016-11-15): the groups of one VPC per account, whose ingress rules the agents enforce on awsvpc
 * tasks (agent/firewall/). IAM actions are `ec2:<Operation>`.
 */
export function ec2Service(deps: Ec2Deps): QueryService {
  return {
    signingName: "ec2",
    version: "2016-11-15",
    xmlNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
    errors: ec2Errors,
    wire: { result: ec2ResultXml, error: ec2ErrorXml },
    operations: {
      ...securityGroupOperations(deps),
      ...ruleOperations(deps),
    },
  };
}
