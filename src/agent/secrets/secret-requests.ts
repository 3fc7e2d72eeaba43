import type { ContainerDefinition } from "@aws-sdk/client-ecs";

/**
 * Everything a task's containers ask the agent to fetch before they are created, in definition
 * order. Pure.
 */
export interface SecretRequest {
  readonly container: string;
  /**
   * `environment`: a container's `secrets` entry, a variable of its environment; `log`: a
   * `logConfiguration.secretOptions` entry, an option of its log driver; `registry`:
   * `repositoryCredentials.credentialsParameter`, the credentials its image is pulled with.
   */
  readonly use: "environment" | "log" | "registry";
  /** The variable's or option's name; empty for registry credentials. */
  readonly name: string;
  readonly valueFrom: string;
}

export function secretRequests(containers: readonly ContainerDefinition[]): SecretRequest[] {
  return containers.flatMap((c): SecretRequest[] => {
    const container = c.name ?? "";
    const credentials = c.repositoryCredentials?.credentialsParameter;
    return [
      ...(c.secrets ?? []).map((s) => ({ container, use: "environment" as const, name: s.name ?? "", valueFrom: s.valueFrom ?? "" })),
      ...(c.logConfiguration?.secretOptions ?? []).map((s) => ({ container, use: "log" as const, name: s.name ?? "", valueFrom: s.valueFrom ?? "" })),
      ...(credentials ? [{ container, use: "registry" as const, name: "", valueFrom: credentials }] : []),
    ];
  });
}
