import { ecsTasksPrincipal, trustsService } from "../../auth/service-trust.js";
import { iamArn, parseIamArn, type Partition } from "../../domain/arn.js";
import { clientException } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { iamKey, type IamReader, type IamRoleRecord } from "../../state/iam-records.js";

/** Where a call names task roles: a task definition being registered, or a RunTask/StartTask override. */
export interface NamedTaskRoles {
  readonly taskRoleArn?: string | undefined;
  readonly executionRoleArn?: string | undefined;
}

/**
 * A task definition's role as ECS stores it: an ARN as given, or a role's name (with its path, if
 * any: `service-role/app`) made the ARN of that role in this account, as ECS fills in the account
 * "server-side when the task definition is registered".
 */
export function roleArnOf(nameOrArn: string | undefined, p: Partition): string | undefined {
  if (nameOrArn === undefined || nameOrArn === "" || nameOrArn.startsWith("arn:")) return nameOrArn;
  return iamArn(p, "role", "/", nameOrArn);
}

/**
 * Why a RunTask or StartTask override may not name its roles as given, or undefined. ECS documents
 * a role's short name for RegisterTaskDefinition's roles ("The short name or full Amazon Resource
 * Name (ARN) of the IAM role") and only an ARN for TaskOverride's ("The Amazon Resource Name (ARN)
 * of the role…"), so a name there is refused, with the ARN to give instead. Pure.
 */
export function overrideRoleProblem(overrides: NamedTaskRoles | undefined, operation: "RunTask" | "StartTask", p: Partition): string | undefined {
  for (const [member, value] of [["taskRoleArn", overrides?.taskRoleArn], ["executionRoleArn", overrides?.executionRoleArn]] as const) {
    if (value === undefined || value.startsWith("arn:")) continue;
    const shown = excerpt(value, 128);
    return `Role is not valid: overrides.${member} '${shown}' is not an ARN. ${operation}'s overrides name a role by its ARN (only RegisterTaskDefinition takes a role's name): give ${iamArn(p, "role", "/", shown)}.`;
  }
  return undefined;
}

/** {@link checkTaskRoles} for a RunTask or StartTask override, refusing a role named otherwise than by its ARN ({@link overrideRoleProblem}). */
export async function checkOverrideRoles(
  iam: IamReader,
  overrides: NamedTaskRoles | undefined,
  operation: "RunTask" | "StartTask",
  ctx: { readonly partition: Partition; readonly nowMs: number },
): Promise<void> {
  const problem = overrideRoleProblem(overrides, operation, ctx.partition);
  if (problem !== undefined) throw clientException(problem);
  await checkTaskRoles(iam, overrides, ctx);
}

/** The role `roleArn` names in this account, or undefined (malformed, another account, no such role). */
export async function roleOfArn(iam: IamReader, roleArn: string, p: Partition): Promise<IamRoleRecord | undefined> {
  const parsed = parseIamArn(roleArn);
  if (parsed?.type !== "role" || parsed.accountId !== p.accountId) return undefined;
  const role = await iam.roles.get(iamKey(parsed.name));
  return role?.arn === roleArn ? role : undefined;
}

/**
 * Refuses, with ECS's ClientException and its words, a task role or execution role that ECS could
 * not use: one that is not an IAM role of this account ("Role is not valid", as
 * RegisterTaskDefinition answers), or one whose trust policy does not let `ecs-tasks.amazonaws.com`
 * assume it (the message ECS gives when a task cannot start for that reason).
 */
export async function checkTaskRoles(iam: IamReader, named: NamedTaskRoles | undefined, ctx: { readonly partition: Partition; readonly nowMs: number }): Promise<void> {
  for (const [member, arn] of [["taskRoleArn", named?.taskRoleArn], ["executionRoleArn", named?.executionRoleArn]] as const) {
    if (arn === undefined) continue;
    const role = await roleOfArn(iam, arn, ctx.partition);
    if (!role) {
      throw clientException(`Role is not valid: ${member} ${excerpt(arn, 256)} names no IAM role of account ${ctx.partition.accountId}; create the role (trusting ${ecsTasksPrincipal}) first.`);
    }
    if (!trustsService(role, ecsTasksPrincipal, ctx.partition.accountId, ctx.nowMs)) {
      throw clientException(
        `ECS was unable to assume the role '${role.arn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role. (Its trust policy must allow sts:AssumeRole to the service principal ${ecsTasksPrincipal}.)`,
      );
    }
  }
}
