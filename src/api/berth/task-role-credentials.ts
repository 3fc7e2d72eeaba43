import type { StaticStructureSchema } from "@smithy/types";
import { ecsTasksPrincipal, trustsService } from "../../auth/service-trust.js";
import { taskRoleTypes, type TaskRoleCredentials, type TaskRoleType } from "../../agent-protocol/task-credentials.js";
import { AwsError, clientException } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { IamDeps } from "../iam/deps.js";
import { issueSession } from "../sts/issue-session.js";
import { operation, type Operation } from "../aws-json/service.js";
import { roleOfArn } from "../ecs/task-roles.js";

export interface GetTaskRoleCredentialsInput {
  readonly taskArn: string;
  readonly roleType: string;
}

/** `{ taskArn, roleType }`, both required (the AWS SDKs' schema form, see validate-shape.ts). */
const GetTaskRoleCredentialsRequest$: StaticStructureSchema = [3, "berth", "GetTaskRoleCredentialsRequest", 0, ["taskArn", "roleType"], [0, 0], 2];

const isRoleType = (v: string): v is TaskRoleType => (taskRoleTypes as readonly string[]).includes(v);

/**
 * GetTaskRoleCredentials: what ECS's control plane pushes to its agents (ACS's IAM role credentials
 * messages), asked for by the agent instead. Temporary credentials of the task's role (or execution
 * role), as ECS issues them: a session of the role named after the task's id, good for
 * `lifetimeMs`. An agent gets them only for a task placed on its own instance and not yet STOPPED,
 * and only while the role still trusts `ecs-tasks.amazonaws.com`.
 */
export function getTaskRoleCredentials(deps: { readonly iam: IamDeps; readonly lifetimeMs: number }): Operation {
  return operation<GetTaskRoleCredentialsInput>(GetTaskRoleCredentialsRequest$, async (input, ctx) => {
    if (!isRoleType(input.roleType)) throw clientException(`roleType must be one of ${taskRoleTypes.join(", ")}; got '${excerpt(input.roleType, 64)}'.`);
    const { store } = deps.iam;
    const { task, role } = await store.read(async (tx) => {
      const task = await tx.tasks.get(input.taskArn);
      const principal = ctx.principal;
      // Said the same way whether the task exists elsewhere or not at all: an agent learns nothing of other instances.
      if (principal.kind === "agent" && task?.containerInstanceArn !== principal.containerInstanceArn) {
        throw new AwsError("AccessDeniedException", `Task ${excerpt(input.taskArn, 256)} is not placed on container instance ${principal.containerInstanceArn}: an agent gets credentials only for its own tasks.`);
      }
      if (!task) throw clientException(`Task ${excerpt(input.taskArn, 256)} not found.`);
      if (task.lastStatus === "STOPPED") throw clientException(`Task ${task.arn} is STOPPED: its role's credentials are no longer issued.`);
      const roleArn = input.roleType === "TaskApplication" ? task.spec.taskRoleArn : task.spec.executionRoleArn;
      if (roleArn === undefined) throw clientException(`Task ${task.arn} has no ${input.roleType === "TaskApplication" ? "taskRoleArn" : "executionRoleArn"}.`);
      const role = await roleOfArn(tx.iam, roleArn, ctx.partition);
      if (!role || !trustsService(role, ecsTasksPrincipal, ctx.partition.accountId, ctx.nowMs)) {
        throw clientException(
          `ECS was unable to assume the role '${roleArn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`,
        );
      }
      return { task, role };
    });
    const expiresAtMs = ctx.nowMs + deps.lifetimeMs;
    const issued = await issueSession(deps.iam, role, task.id, ctx.nowMs, expiresAtMs);
    const out: TaskRoleCredentials = {
      roleArn: role.arn,
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      sessionToken: issued.SessionToken,
      expiration: expiresAtMs,
    };
    return out;
  });
}
