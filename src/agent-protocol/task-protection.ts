import { z } from "zod";

/**
 * The answer of the ECS agent's task scale-in protection endpoint (`${ECS_AGENT_URI}/task-protection/v1/state`),
 * in the ECS developer guide's shape, as Berth's server answers its agent (api/berth/task-protection.ts)
 * and the agent hands it to the container: the protection, or a failure (TASK_NOT_VALID, MISSING).
 */
export const taskProtectionState = z.union([
  z.object({ protection: z.object({ ExpirationDate: z.string().nullable(), ProtectionEnabled: z.boolean(), TaskArn: z.string() }) }),
  z.object({ failure: z.object({ Arn: z.string(), Reason: z.string(), Detail: z.string().nullable() }) }),
]);
export type TaskProtectionState = z.infer<typeof taskProtectionState>;

/** The body of a PUT to the endpoint: `ProtectionEnabled` required, `ExpiresInMinutes` optional. */
export const taskProtectionUpdate = z.object({ ProtectionEnabled: z.boolean(), ExpiresInMinutes: z.number().int().optional() });
