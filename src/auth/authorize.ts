import { AwsError } from "../errors/catalog.js";
import { evaluate, withinBoundary, type Decision } from "./policy/evaluate.js";
import type { RequestContext } from "./policy/conditions.js";
import { evaluateResourcePolicy, type ResourcePolicy } from "./policy/resource-policy.js";
import type { ResourceCaller } from "./policy/resource-principal.js";
import type { AgentPrincipal, Principal } from "./principal.js";
import { requestContext, type RequestFacts } from "./request-context.js";

/** What a principal asks to do: an IAM action (`ecs:RunTask`) on a resource (an ARN, or `*`). */
export interface AccessRequest {
  readonly action: string;
  readonly resource: string;
}

/**
 * What an agent may do, and on which resources: the calls the agent itself makes, on its own
 * container instance only. `ecs:Poll` is the agent channel (the IAM action ECS agents need for ACS);
 * the ECR read actions are its image pulls from Berth's registry, as `AmazonEC2ContainerServiceforEC2Role` allows.
 */
const agentPolicy: Readonly<Record<string, (p: AgentPrincipal, resource: string) => boolean>> = {
  "ecs:RegisterContainerInstance": (p, resource) => resource === p.containerInstanceArn,
  "ecs:Poll": (p, resource) => resource === p.containerInstanceArn,
  "ecr:GetAuthorizationToken": () => true,
  "ecr:BatchGetImage": () => true,
  "ecr:GetDownloadUrlForLayer": () => true,
  "ecr:BatchCheckLayerAvailability": () => true,
  // The credentials of its own tasks' roles: the handler checks that the task is on the agent's instance.
  "berth:GetTaskRoleCredentials": () => true,
  // Task scale-in protection of its own tasks (the endpoint containers call): the handler checks the task's instance.
  "berth:TaskProtection": () => true,
  // The awslogs driver's calls (AmazonECSTaskExecutionRolePolicy's, and CreateLogGroup for awslogs-create-group): writes only, never reads.
  "logs:CreateLogGroup": () => true,
  "logs:CreateLogStream": () => true,
  "logs:PutLogEvents": () => true,
  // AWS asks no permission for this one: anyone may ask who they are.
  "sts:GetCallerIdentity": () => true,
};

const root: Decision = { effect: "allowed", by: { policy: "(root)", index: 0 } };
const agent: Decision = { effect: "allowed", by: { policy: "(berth-agent)", index: 0 } };

/**
 * Whether `principal` may do `request`, and which statement decided: root may do anything, an agent
 * what {@link agentPolicy} lists, IAM users and role sessions what their policies allow (IAM's
 * evaluation logic, auth/policy/). `facts` feed the conditions; they are read only for IAM principals.
 */
export function decide(principal: Principal, request: AccessRequest, facts: RequestFacts, accountId: string, resourcePolicy?: ResourcePolicy): Decision {
  switch (principal.kind) {
    case "root":
      return root;
    case "agent": {
      const rule = Object.hasOwn(agentPolicy, request.action) ? agentPolicy[request.action] : undefined;
      return rule?.(principal, request.resource) ? agent : { effect: "implicitDeny" };
    }
    case "user":
    case "assumed-role": {
      // Anyone may ask who they are, whatever their policies say (as with AWS's GetCallerIdentity).
      if (request.action === "sts:GetCallerIdentity") return agent;
      // Each set reads only the context keys its statements name (policy-set.ts), built when a statement first needs one.
      const { policies, boundary } = principal;
      const inBoundary = boundary === undefined ? undefined : () => evaluate(boundary, { action: request.action, resource: request.resource, context: lazyContext(principal, facts, accountId, boundary.contextKeys) });
      const own = evaluate(policies, { action: request.action, resource: request.resource, context: lazyContext(principal, facts, accountId, policies.contextKeys) });
      const identity = inBoundary === undefined ? own : withinBoundary(own, inBoundary);
      if (resourcePolicy === undefined || identity.effect === "explicitDeny") return identity;
      const caller = { arn: principal.arn, accountId, roleArn: principal.kind === "assumed-role" ? principal.roleArn : undefined };
      return withResourcePolicy(identity, caller, resourcePolicy, request, lazyContext(principal, facts, accountId, resourcePolicy.contextKeys), inBoundary);
    }
  }
}

/**
 * IAM's logic within one account when the resource has a policy: its explicit deny wins over any
 * allow; its Allow naming the caller (or a session's role, within the role's boundary) grants
 * without an identity-based allow; naming the account only delegates to the caller's own policies.
 */
function withResourcePolicy(identity: Decision, caller: ResourceCaller, rp: ResourcePolicy, request: AccessRequest, context: () => RequestContext, boundary: (() => Decision) | undefined): Decision {
  const r = evaluateResourcePolicy(rp, caller, { action: request.action, resource: request.resource, context });
  if (r.effect === "explicitDeny") return { effect: "explicitDeny", by: r.by, resourcePolicy: true };
  if (identity.effect === "allowed" || r.effect !== "allowed") return identity;
  if (r.match === "named" || (r.match === "role" && (boundary === undefined || boundary().effect === "allowed"))) return { effect: "allowed", by: r.by };
  return identity;
}

function lazyContext(principal: Principal, facts: RequestFacts, accountId: string, keys: readonly string[]): () => RequestContext {
  let built: RequestContext | undefined;
  return () => (built ??= requestContext(principal, facts, accountId, keys));
}

/** IAM's refusal, in AWS's words, for an explicit or implicit deny. */
export function denialMessage(principal: Principal, request: AccessRequest, decision: Decision): string {
  const head = `User: ${principal.arn} is not authorized to perform: ${request.action} on resource: ${request.resource}`;
  const where = decision.effect !== "allowed" && decision.boundary === true ? "permissions boundary" : "identity-based policy";
  if (decision.effect === "explicitDeny" && decision.resourcePolicy === true) return `${head} with an explicit deny in a resource-based policy`;
  return decision.effect === "explicitDeny"
    ? `${head} with an explicit deny in ${where === "permissions boundary" ? "a" : "an"} ${where}`
    : `${head} because no ${where} allows the ${request.action} action`;
}

/** IAM's refusal of `request` for `principal`, in IAM's words, or undefined when it is allowed. */
export function refusal(principal: Principal, request: AccessRequest, facts: RequestFacts, accountId: string, resourcePolicy?: ResourcePolicy): string | undefined {
  const decision = decide(principal, request, facts, accountId, resourcePolicy);
  return decision.effect === "allowed" ? undefined : denialMessage(principal, request, decision);
}

/** Throws AccessDeniedException, in IAM's words, unless `principal` may do `request`. */
export function authorize(principal: Principal, request: AccessRequest, facts: RequestFacts, accountId: string, resourcePolicy?: ResourcePolicy): void {
  const refused = refusal(principal, request, facts, accountId, resourcePolicy);
  if (refused !== undefined) throw new AwsError("AccessDeniedException", refused);
}
