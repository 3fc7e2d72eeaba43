import type { IncomingMessage } from "node:http";
import { ecrRepositoryArn, type Partition } from "../domain/arn.js";
import type { RegistryAction } from "../registry/registry-actions.js";
import { legacyPrincipal } from "../registry/auth-token.js";
import { refusal } from "./authorize.js";
import type { IamDirectory } from "./iam-directory.js";
import type { RepositoryPolicies } from "./repository-policies.js";
import { requestFacts } from "./request-context.js";

/**
 * IAM for the registry's `/v2/`: the principal a registry token names (its ARN) is judged on the
 * ECR action the request needs, on the repository's ARN, as ECR judges `docker pull` and `docker push`.
 * Tokens issued before tokens named anyone (auth-token.ts's legacy principal) came from root or an
 * agent, the only principals there were, and are judged as root until they expire. The repository's
 * policy (`policies`) counts as ECR counts it: its Deny refuses, its Allow naming the caller grants.
 */
export function registryAuthorizer(directory: IamDirectory, partition: Partition, policies?: RepositoryPolicies) {
  return async (principalArn: string, access: RegistryAction, req: IncomingMessage): Promise<string | undefined> => {
    if (principalArn === legacyPrincipal) return undefined;
    const resource = access.repository === undefined ? "*" : ecrRepositoryArn(partition, access.repository);
    const request = { action: access.action, resource };
    const principal = await directory.principalOfArn(principalArn);
    if (!principal) return `User: ${principalArn} is not authorized to perform: ${access.action} on resource: ${resource} because no identity-based policy allows the ${access.action} action`;
    const facts = requestFacts({ remoteAddress: req.socket.remoteAddress, secure: "encrypted" in req.socket }, partition.region, Date.now());
    const resourcePolicy = principal.kind === "user" || principal.kind === "assumed-role" ? await policies?.forResource(resource) : undefined;
    return refusal(principal, request, facts, partition.accountId, resourcePolicy);
  };
}
