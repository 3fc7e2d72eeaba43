/**
 * `repositoryCredentials.credentialsParameter`: a Secrets Manager secret holding
 * `{"username": …, "password": …}`, which Docker pulls the container's image with (a private
 * registry other than Berth's own). Pure.
 */
import type Docker from "dockerode";
import { parseArn } from "../../domain/arn.js";
import { registryOf } from "../registry-auth.js";
import { parseValueFrom, type SecretSource, type UnreadableValueFrom } from "./value-from.js";

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Where the credentials are: a Secrets Manager ARN, or (as ECS allows for a secret in the task's
 * region) a secret's name. Never an SSM parameter.
 */
export function credentialsSource(credentialsParameter: string, taskRegion: string): SecretSource | UnreadableValueFrom {
  const arn = parseArn(credentialsParameter);
  if (arn === undefined) return { service: "asm", region: taskRegion, secretId: credentialsParameter };
  const source = parseValueFrom(credentialsParameter, taskRegion);
  if (source.service !== "ssm") return source;
  return { service: "invalid", problem: `repository credentials ${credentialsParameter} are not a Secrets Manager secret` };
}

/**
 * The username and password in the secret's text, or why not, in the ECS agent's words. Go's
 * encoding/json, which the agent reads it with, matches the keys whatever their case.
 */
export function parseRegistryCredentials(secretString: string | undefined): RegistryCredentials | { readonly problem: string } {
  if (secretString === undefined || secretString === "") return { problem: "asm fetching authorization data: empty secrets value" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return { problem: "asm fetching authorization data: unable to unmarshal secret value, invalid schema" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { problem: "asm fetching authorization data: unable to unmarshal secret value, invalid schema" };
  }
  // null decodes to an unset field, as in Go; any other non-string does not decode.
  const field = (name: string): unknown => Object.entries(parsed).find(([k]) => k.toLowerCase() === name)?.[1] ?? undefined;
  const username = field("username");
  const password = field("password");
  if ((username !== undefined && typeof username !== "string") || (password !== undefined && typeof password !== "string")) {
    return { problem: "asm fetching authorization data: unable to unmarshal secret value, invalid schema" };
  }
  if (!username) return { problem: "asm fetching username: AuthorizationData is malformed, empty field" };
  if (!password) return { problem: "asm fetching password: AuthorizationData is malformed, empty field" };
  return { username, password };
}

/** Docker Hub's address in Docker's credentials, for an image without a registry host. */
const dockerHub = "https://index.docker.io/v1/";

/** Docker's credentials for pulling `image` with the secret's username and password. */
export function pullAuth(image: string, credentials: RegistryCredentials): Docker.AuthConfig {
  return { username: credentials.username, password: credentials.password, serveraddress: registryOf(image) ?? dockerHub };
}
