/**
 * Container `secrets` and `repositoryCredentials` are read at task start as the task's execution
 * role (agent/secrets/), so a task definition with either and no `executionRoleArn` is refused, as
 * ECS refuses it. Only as far as ECS is known to go: a non-empty `secrets` list, or
 * `repositoryCredentials`. Log `secretOptions` without a role are accepted here and fail when a
 * task starts.
 */
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { messages } from "./messages.js";

export function checkSecretsRole(containers: readonly ContainerDefinition[], executionRoleArn: string | undefined): void {
  if (executionRoleArn) return;
  const withSecrets = containers.find((c) => (c.secrets ?? []).length > 0);
  if (withSecrets) throw clientException(messages.secretsWithoutExecutionRole(withSecrets.name ?? ""));
  const withCredentials = containers.find((c) => c.repositoryCredentials !== undefined);
  if (withCredentials) throw clientException(messages.repositoryCredentialsWithoutExecutionRole(withCredentials.name ?? ""));
}
