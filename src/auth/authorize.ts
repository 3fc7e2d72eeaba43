import { AwsError } from "../errors/catalog.js";
import type { AgentPrincipal, Principal } from "./principal.js";

/** What a principal asks to do: an IAM action (`ecs:RunTask`) on a resource (an ARN, or `*`). */
export interface AccessRequest {
  readonly action: string;
  readonly resource: string;
}

/**
 * What an agent may do, and on which resources: the calls the agent itself makes, on its own
 * container instance only. `ecs:Poll` is the agent channel (the IAM action ECS agents need for ACS).
 */
const agentPolicy: Readonly<Record<string, (p: AgentPrincipal, resource: string) => boolean>> = {
  "ecs:RegisterContainerInstance": (p, resource) => resource === p.containerInstanceArn,
  "ecs:Poll": (p, resource) => resource === p.containerInstanceArn,
  "ecr:GetAuthorizationToken": () => true,
  // AWS asks no permission for this one: anyone may ask who they are.
  "sts:GetCallerIdentity": () => true,
};

/** Whether `principal` may do `request`: a pure decision, one branch per kind of principal. */
export function isAllowed(principal: Principal, request: AccessRequest): boolean {
  switch (principal.kind) {
    case "root":
      return true;
    case "agent": {
      const rule = Object.hasOwn(agentPolicy, request.action) ? agentPolicy[request.action] : undefined;
      return rule?.(principal, request.resource) ?? false;
    }
  }
}

/** Throws ECS's AccessDeniedException, in IAM's words, unless `principal` may do `request`. */
export function authorize(principal: Principal, request: AccessRequest): void {
  if (isAllowed(principal, request)) return;
  throw new AwsError(
    "AccessDeniedException",
    `User: ${principal.arn} is not authorized to perform: ${request.action} on resource: ${request.resource} because no identity-based policy allows the ${request.action} action`,
  );
}
