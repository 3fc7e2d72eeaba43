import { z } from "zod";

/**
 * Berth's CreateAgentCredential operation (server: api/berth/service.ts), an AWS JSON 1.1 call
 * signed with SigV4 for service `berth`: `X-Amz-Target: Berth_20261101.CreateAgentCredential`,
 * body `{"containerInstanceArn": …}`, signed by an operator (root). The answer is the agent's own
 * credential, scoped to that container instance.
 */
export const berthTargetPrefix = "Berth_20261101";
export const berthSigningName = "berth";

export const agentCredential = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  containerInstanceArn: z.string().min(1),
  /** The principal the server sees the credential as: `arn:aws:sts::<account>:assumed-role/berth-agent/<id>`. */
  principalArn: z.string(),
});
export type AgentCredential = z.infer<typeof agentCredential>;
