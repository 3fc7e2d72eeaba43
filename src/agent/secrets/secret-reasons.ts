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
 *
 * Several failures make one reason as the ECS agent makes it (amazon-ecs-agent, agent/taskresource/):
 * each of its task resources fails with its own reason, and the task keeps the first one set
 * (`Task.SetTerminalReason` sets it once). `ssmsecret` fails with the first GetParameters call that
 * failed; `asmsecret` with every secret that failed, joined with ";" (no space); `asmauth`
 * (repositoryCredentials) with the first that failed. The agent cuts a task's reason to 1024 bytes
 * when it reports it (`ecsMaxTaskReasonLength`; 255 before 2022).
 */

const prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";
const ssm = "unable to retrieve secrets from ssm: ";
const asm = "unable to retrieve secret from asm: ";
const retried = (attempts: number): string => `service call has been retried ${attempts} time(s): `;

/** The ECS agent's cap on a task's reason (SubmitTaskStateChange), in bytes of UTF-8. */
export const maxTaskReasonBytes = 1024;

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

/** What went wrong, by the ECS agent's task resource that would have failed with it. Texts come from {@link secretFailure}. */
export interface SecretsFailures {
  /** `ssmsecret`: the first GetParameters call that failed, else the parameters SSM does not have. */
  readonly ssm?: string | undefined;
  /** `asmsecret`: every Secrets Manager secret (valueFrom) that failed, in the definition's order. */
  readonly asm: readonly string[];
  /** `asmauth`: the first repositoryCredentials secret that failed. */
  readonly registry?: string | undefined;
}

/**
 * The task's stopped reason for its failed secrets, or undefined when none failed: one resource's
 * reason (SSM's, else Secrets Manager's, else the registry credentials'; the ECS agent keeps
 * whichever resource failed first in time), Secrets Manager's failures joined with ";", after ECS's
 * prefix, cut to {@link maxTaskReasonBytes}. Pure.
 */
export function secretsFailureReason(f: SecretsFailures): string | undefined {
  const part = f.ssm ?? (f.asm.length > 0 ? f.asm.join(";") : f.registry);
  return part === undefined ? undefined : taskReason(part);
}

/** ECS's prefix before `part`, cut to {@link maxTaskReasonBytes} as the ECS agent cuts a task's reason. */
export const taskReason = (part: string): string => capBytes(`${prefix}${part}`, maxTaskReasonBytes);

/** `text` cut to at most `max` bytes of UTF-8, never inside a character. */
export function capBytes(text: string, max: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= max) return text;
  let end = max;
  // A continuation byte (10xxxxxx) cannot end a cut: back up to the start of its character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/** Reasons that are the task's whole reason: nothing was fetched. */
export const secretReasons = {
  /** The task has secrets (or registry credentials) and no execution role to read them as. */
  noExecutionRole: () => taskReason("the task has secrets to retrieve but no task execution role (executionRoleArn) to retrieve them with"),
  /** The control plane gave no credentials of the execution role. */
  noCredentials: (f: CallFailure) => taskReason(`unable to get the task execution role's credentials: ${f.code}: ${f.message}`),
  /** The agent was started without the means to retrieve secrets (tests, simulated agents). */
  unsupported: () => taskReason("this agent cannot retrieve secrets"),
  /** A Secrets Manager ARN the agent cannot read (value-from.ts). */
  asmInvalid: (problem: string) => taskReason(`${asm}${problem}`),
} as const;

/** One resource's part of a reason ({@link SecretsFailures}), without ECS's prefix. */
export const secretFailure = {
  ssmCall: (f: CallFailure) => `${ssm}${retried(f.attempts)}${f.code}: ${f.message}`,
  ssmInvalid: (valueFroms: readonly string[]) => `${ssm}${retried(1)}invalid ssm parameters: ${valueFroms.join(",")}`,
  asmCall: (secretId: string, f: CallFailure) => `${asm}${retried(f.attempts)}failed to fetch secret ${secretId} from secrets manager: ${f.code}: ${f.message}`,
  /** A json key missing, or a secret that is no JSON object (json-key.ts says which). */
  asmValue: (problem: string) => `${asm}${retried(1)}${problem}`,
  /** repositoryCredentials whose secret is not `{"username", "password"}`: the ECS agent's words. */
  registryCredentials: (problem: string) => `${asm}${problem}`,
} as const;
