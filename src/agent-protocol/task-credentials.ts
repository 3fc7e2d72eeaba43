import { z } from "zod";

/**
 * Berth's GetTaskRoleCredentials operation (server: api/berth/task-role-credentials.ts), an AWS JSON
 * 1.1 call like CreateAgentCredential (agent-credential.ts), signed by an agent with its own
 * credential: `{"taskArn": …, "roleType": "TaskApplication" | "TaskExecution"}` (ECS's names for a
 * task's role and its execution role). The server answers only for a task placed on the agent's own
 * instance, with temporary credentials of a session of that role named after the task's id.
 */
export const taskRoleTypes = ["TaskApplication", "TaskExecution"] as const;
export type TaskRoleType = (typeof taskRoleTypes)[number];

export const taskRoleCredentials = z.object({
  roleArn: z.string().min(1),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1),
  /** Epoch milliseconds. */
  expiration: z.number().int(),
});
export type TaskRoleCredentials = z.infer<typeof taskRoleCredentials>;
