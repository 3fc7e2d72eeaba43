import { join } from "node:path";
import type { Attribute } from "@aws-sdk/client-ecs";
import type { Logger } from "pino";
import type { TaskSpec } from "../../agent-protocol/messages.js";
import { taskIamRoleAttribute } from "../../domain/task-definition/requires-attributes.js";
import type { InspectedContainer } from "../docker/docker-engine.js";
import type { TaskActor } from "../task-actor.js";
import { credentialsHandler } from "./credentials-handler.js";
import { credentialsEnv, credentialsIdOf, loadOrCreateCredentialsKey } from "./credentials-id.js";
import { claimCredentialsEndpoint, credentialsAddress, type CredentialsEndpointClaim } from "./link-local.js";
import { TaskCredentials, type TaskCredentialsOptions } from "./task-credentials.js";
import { fromTaskContainer } from "./task-sources.js";

/** The attribute saying why an agent asked to serve task roles' credentials does not (a short code). */
export const credentialsUnavailableAttribute = "berth.task-credentials-endpoint-unavailable";

/** The agent's task credentials endpoint, set up or not: what registration, the task manager and the channel need of it. */
export interface CredentialsEndpoint {
  /** The capability attribute when it serves; the reason attribute when asked to and it could not. */
  readonly attributes: readonly Attribute[];
  /** The env a task's containers get (empty when the endpoint is off). */
  envFor(spec: TaskSpec): Record<string, string>;
  /** Desired state, as the task manager gets it. */
  sync(specs: readonly TaskSpec[], complete: boolean): void;
  /** Starts answering, once the tasks are known. */
  serve(deps: { readonly actor: (taskArn: string) => TaskActor | undefined; readonly inspect: (id: string) => Promise<InspectedContainer> }, fetch: TaskCredentialsOptions["fetch"]): void;
  close(): Promise<void>;
}

const off: CredentialsEndpoint = { attributes: [], envFor: () => ({}), sync: () => undefined, serve: () => undefined, close: () => Promise.resolve() };

/**
 * Sets up the endpoint when the agent is asked to (ECS_ENABLE_TASK_IAM_ROLE): the address, the
 * port, the id key. The agent advertises `com.amazonaws.ecs.capability.task-iam-role` only when all
 * of it works, so tasks with roles are placed only where their containers can get credentials.
 */
export async function openCredentialsEndpoint(config: { readonly taskIamRole: boolean; readonly dataDir: string }, logger: Logger): Promise<CredentialsEndpoint> {
  if (!config.taskIamRole) return off;
  const claim: CredentialsEndpointClaim = await claimCredentialsEndpoint(logger);
  if (!claim.ok) {
    logger.error({ reason: claim.reason }, `task roles' credentials cannot be served, tasks with a taskRoleArn will not be placed here: ${claim.detail}`);
    return { ...off, attributes: [{ name: credentialsUnavailableAttribute, value: claim.reason }] };
  }
  const key = loadOrCreateCredentialsKey(join(config.dataDir, "task-credentials-key"));
  let credentials: TaskCredentials | undefined;
  const idOf = (taskArn: string) => credentialsIdOf(key, taskArn);
  // Specs that arrive before serve() (none should: the channel starts after it) are kept for it.
  let early: { specs: readonly TaskSpec[]; complete: boolean }[] = [];
  logger.info({ address: credentialsAddress }, "serving task roles' credentials");
  return {
    attributes: [{ name: taskIamRoleAttribute }],
    envFor: (spec) => credentialsEnv(idOf(spec.taskArn), spec),
    sync: (specs, complete) => (credentials ? credentials.sync(specs, complete) : early.push({ specs, complete })),
    serve(deps, fetch) {
      credentials = new TaskCredentials({ fetch, idOf, now: Date.now, logger });
      for (const e of early) credentials.sync(e.specs, e.complete);
      early = [];
      claim.port.serve(credentialsHandler({ credentials, fromTask: (taskArn, address) => fromTaskContainer(deps.actor(taskArn), address, deps.inspect) }));
    },
    async close() {
      credentials?.stop();
      await claim.close();
    },
  };
}
