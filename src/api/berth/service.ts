import type { StaticStructureSchema } from "@smithy/types";
import { berthSigningName, berthTargetPrefix, type AgentCredential } from "../../agent-protocol/agent-credential.js";
import { generateAccessKey } from "../../auth/credentials-file.js";
import { agentPrincipal } from "../../auth/principal.js";
import { clientException } from "../../errors/catalog.js";
import type { Store } from "../../state/store.js";
import { operation, type JsonService } from "../aws-json/service.js";
import { berthErrors } from "./errors.js";
import type { IamDeps } from "../iam/deps.js";
import { getTaskRoleCredentials } from "./task-role-credentials.js";
import { taskProtection } from "./task-protection.js";


export interface CreateAgentCredentialInput {
  readonly containerInstanceArn: string;
}

/** `{ containerInstanceArn }`, required: the same schema form as the AWS SDKs' (see validate-shape.ts). */
const CreateAgentCredentialRequest$: StaticStructureSchema = [3, "berth", "CreateAgentCredentialRequest", 0, ["containerInstanceArn"], [0], 1];

/**
 * CreateAgentCredential: the agent of a registered container instance, having registered with an
 * operator's credential (as an ECS agent does with its instance profile), gets a credential of its
 * own, scoped to that instance. A new credential revokes the instance's previous one: an instance
 * has at most one. DeregisterContainerInstance revokes it. Only root may call this (auth/authorize.ts).
 */
/**
 * Berth's own JSON 1.1 operations, for what ECS does out of band (its agents' identities, the
 * credentials of task roles it hands its agents); IAM actions `berth:…`.
 */
export function berthService({ store, iam, taskCredentialsLifetimeMs = 3_600_000 }: { readonly store: Store; readonly iam?: IamDeps; readonly taskCredentialsLifetimeMs?: number }): JsonService {
  return {
    targetPrefix: berthTargetPrefix,
    signingName: berthSigningName,
    errors: berthErrors,
    operations: {
      CreateAgentCredential: operation<CreateAgentCredentialInput>(CreateAgentCredentialRequest$, async (input, ctx) => {
        const key = generateAccessKey();
        const record = await store.write(async (tx) => {
          const instance = await tx.containerInstances.get(input.containerInstanceArn);
          if (!instance || instance.status === "INACTIVE") {
            throw clientException(`Container instance ${input.containerInstanceArn} is not registered: register it before asking for its credential.`);
          }
          await tx.agentCredentials.revokeInstance(instance.arn);
          const next = { ...key, containerInstanceArn: instance.arn, cluster: instance.cluster, createdAtMs: ctx.nowMs };
          await tx.agentCredentials.put(next);
          return next;
        });
        const out: AgentCredential = {
          accessKeyId: record.accessKeyId,
          secretAccessKey: record.secretAccessKey,
          containerInstanceArn: record.containerInstanceArn,
          principalArn: agentPrincipal(ctx.partition, record).arn,
        };
        return out;
      }),
      TaskProtection: taskProtection({ store }),
      ...(iam && { GetTaskRoleCredentials: getTaskRoleCredentials({ iam, lifetimeMs: taskCredentialsLifetimeMs }) }),
    },
  };
}
