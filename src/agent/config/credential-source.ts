/**
 * Where the agent's signing key comes from, in words for `berth agent --print-config`. Keys given
 * as variables are described by their variable's source; without them the AWS SDK's default chain
 * reads the shared credentials file, which is named here with its profile and why that file.
 * Pure: the environment, the home directory and the file's text are arguments.
 */
import { join } from "node:path";
import type { AgentConfig } from "./agent-config.js";

export interface CredentialFacts {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  /** The file's text, or undefined when it cannot be read. */
  readonly readFile: (path: string) => string | undefined;
}

/** One `credentials: …` line. */
export function describeCredentialSource(config: AgentConfig, facts: CredentialFacts): string {
  if (config.credentials !== undefined) {
    const source = config.settings.find((s) => s.variable === "AWS_ACCESS_KEY_ID")?.source ?? "environment";
    return `credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${source})`;
  }
  const fromEnv = facts.env.AWS_SHARED_CREDENTIALS_FILE;
  const file = fromEnv !== undefined && fromEnv !== "" ? fromEnv : join(facts.homeDir, ".aws", "credentials");
  const why = fromEnv !== undefined && fromEnv !== "" ? "AWS_SHARED_CREDENTIALS_FILE (environment)" : "the SDK's default path";
  const profile = facts.env.AWS_PROFILE !== undefined && facts.env.AWS_PROFILE !== "" ? facts.env.AWS_PROFILE : "default";
  const profileWhy = profile === "default" ? "default" : "AWS_PROFILE (environment)";
  const text = facts.readFile(file);
  if (text === undefined) {
    return `credentials: none found: no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and no shared credentials file at ${file} (${why})`;
  }
  const found = hasProfile(text, profile) ? "" : `, which has no [${profile}] section`;
  return `credentials: shared credentials file ${file} (${why}), profile ${profile} (${profileWhy})${found}`;
}

const hasProfile = (ini: string, profile: string): boolean => ini.split(/\r?\n/).some((line) => line.trim() === `[${profile}]`);
