/**
 * The stopped reasons of a task whose secrets could not be retrieved, in the ECS agent's words
 * (Fargate's agent, as seen in real stopped tasks):
 *
 *   ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed:
 *     unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /app/x
 *     unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: … is not authorized to perform: ssm:GetParameters …
 *     unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret <arn> from secrets manager: ResourceNotFoundException: …
 *     unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key password
 *
 * The count is the SDK's attempts at the call that failed (1 for a refusal, which is not retried).
 * A reason names parameters, secrets and keys, never a value.
 */

const prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";
const ssm = "unable to retrieve secrets from ssm: ";
const asm = "unable to retrieve secret from asm: ";
const retried = (attempts: number): string => `service call has been retried ${attempts} time(s): `;

/** A failed AWS call as a reason shows it: the error's code (the SDK's `name`) and message, and how often the SDK tried. */
export interface CallFailure {
  readonly code: string;
  readonly message: string;
  readonly attempts: number;
}

/** What a thrown SDK error (or anything else) says about the call. */
export function callFailure(err: unknown): CallFailure {
  if (!(err instanceof Error)) return { code: "UnknownError", message: String(err), attempts: 1 };
  const attempts = (err as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
  return { code: err.name, message: err.message, attempts: typeof attempts === "number" && attempts > 0 ? attempts : 1 };
}

export const secretReasons = {
  /** The task has secrets (or registry credentials) and no execution role to read them as. */
  noExecutionRole: () => `${prefix}the task has secrets to retrieve but no task execution role (executionRoleArn) to retrieve them with`,
  /** The control plane gave no credentials of the execution role. */
  noCredentials: (f: CallFailure) => `${prefix}unable to get the task execution role's credentials: ${f.code}: ${f.message}`,
  /** The agent was started without the means to retrieve secrets (tests, simulated agents). */
  unsupported: () => `${prefix}this agent cannot retrieve secrets`,
  ssmCall: (f: CallFailure) => `${prefix}${ssm}${retried(f.attempts)}${f.code}: ${f.message}`,
  ssmInvalid: (valueFroms: readonly string[]) => `${prefix}${ssm}${retried(1)}invalid ssm parameters: ${valueFroms.join(",")}`,
  asmCall: (secretId: string, f: CallFailure) => `${prefix}${asm}${retried(f.attempts)}failed to fetch secret ${secretId} from secrets manager: ${f.code}: ${f.message}`,
  /** A json key missing, or a secret that is no JSON object (json-key.ts says which). */
  asmValue: (problem: string) => `${prefix}${asm}${retried(1)}${problem}`,
  /** A Secrets Manager ARN the agent cannot read (value-from.ts). */
  asmInvalid: (problem: string) => `${prefix}${asm}${problem}`,
  /** repositoryCredentials whose secret is not `{"username", "password"}`: the ECS agent's words. */
  registryCredentials: (problem: string) => `${prefix}${asm}${problem}`,
} as const;
