import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { jsonKeyValue } from "./json-key.js";
import { credentialsSource, parseRegistryCredentials, type RegistryCredentials } from "./registry-credentials.js";
import { callFailure, secretFailure, secretReasons, secretsFailureReason, type CallFailure } from "./secret-reasons.js";
import { secretRequests, type SecretRequest } from "./secret-requests.js";
import { parseValueFrom, type SecretSource } from "./value-from.js";

/** SSM GetParameters' answer for one batch: the values by name, and the names it does not have. */
export interface ParametersAnswer {
  readonly values: ReadonlyMap<string, string>;
  readonly invalid: readonly string[];
}

/** Secrets Manager GetSecretValue's input, as the valueFrom names it. */
export interface SecretVersionRequest {
  readonly secretId: string;
  readonly versionStage?: string | undefined;
  readonly versionId?: string | undefined;
}

/**
 * The two stores, called as the task's execution role (execution-role-stores.ts; fakes in tests).
 * Both throw the SDK's errors, whose `name` is the AWS error code.
 */
export interface SecretStores {
  /** GetParameters with decryption, of at most {@link ssmBatchSize} names of one region. */
  getParameters(region: string, names: readonly string[]): Promise<ParametersAnswer>;
  /** GetSecretValue's SecretString (undefined for a binary secret). */
  getSecretValue(region: string, request: SecretVersionRequest): Promise<string | undefined>;
}

/** GetParameters takes at most 10 names. */
export const ssmBatchSize = 10;

/** What one container gets: variables, log driver options, and the credentials its image is pulled with. */
export interface ContainerSecrets {
  readonly environment: Readonly<Record<string, string>>;
  readonly logOptions: Readonly<Record<string, string>>;
  readonly registryCredentials?: RegistryCredentials | undefined;
}

/** Resolved: each container's values by container name (containers that ask for nothing are absent). Failed: the task's stopped reason. */
export type SecretsOutcome = { readonly ok: true; readonly containers: ReadonlyMap<string, ContainerSecrets> } | { readonly ok: false; readonly reason: string };

export interface TaskSecretsInput {
  readonly containers: readonly ContainerDefinition[];
  /** Where names (not ARNs) are looked up: the task's region. */
  readonly taskRegion: string;
  readonly hasExecutionRole: boolean;
}

/** Whether a task has anything to resolve (the agent asks for credentials only then). */
export const hasSecrets = (containers: readonly ContainerDefinition[]): boolean => secretRequests(containers).length > 0;

type Located = SecretRequest & { readonly source: SecretSource };
type Failed = { readonly failure: string };

/**
 * Every secret of the task, fetched before any of its containers is created, as the ECS agent's
 * ssmsecret, asmsecret and asmauth resources do: SSM parameters with GetParameters (decrypted, at
 * most 10 names a call, grouped by region), Secrets Manager secrets with one GetSecretValue per
 * secret and version. Any failure stops the task, with the reason the ECS agent would give
 * (`secretsFailureReason`: one resource's, every failed Secrets Manager secret named).
 * `openStores` is asked only when there is something to fetch.
 */
export async function resolveTaskSecrets(input: TaskSecretsInput, openStores: () => Promise<SecretStores>): Promise<SecretsOutcome> {
  const requests = secretRequests(input.containers);
  if (requests.length === 0) return { ok: true, containers: new Map() };
  if (!input.hasExecutionRole) return { ok: false, reason: secretReasons.noExecutionRole() };
  const located: Located[] = [];
  for (const r of requests) {
    const source = r.use === "registry" ? credentialsSource(r.valueFrom, input.taskRegion) : parseValueFrom(r.valueFrom, input.taskRegion);
    if (source.service === "invalid") return { ok: false, reason: secretReasons.asmInvalid(source.problem) };
    located.push({ ...r, source });
  }
  let stores: SecretStores;
  try {
    stores = await openStores();
  } catch (err) {
    return { ok: false, reason: secretReasons.noCredentials(callFailure(err)) };
  }
  const [parameters, secrets] = await Promise.all([fetchParameters(located, stores), fetchSecrets(located, stores)]);
  return assemble(located, parameters, (s) => secrets.get(secretKey(s)) ?? { text: "" });
}

const parameterKey = (s: SecretSource & { service: "ssm" }): string => `${s.region}\n${s.name}`;
const secretKey = (s: SecretSource & { service: "asm" }): string => `${s.region}\n${s.secretId}\n${s.versionStage ?? ""}\n${s.versionId ?? ""}`;

/** Every parameter's value, keyed by region and name; or the failure of the first failed batch, else of the names SSM does not have. */
async function fetchParameters(located: readonly Located[], stores: SecretStores): Promise<Map<string, string> | Failed> {
  const byRegion = new Map<string, Set<string>>();
  for (const { source: s } of located) if (s.service === "ssm") byRegion.set(s.region, (byRegion.get(s.region) ?? new Set()).add(s.name));
  const batches = [...byRegion].flatMap(([region, names]) => chunks([...names], ssmBatchSize).map((batch) => ({ region, batch })));
  const answers = await Promise.all(
    batches.map(({ region, batch }) => stores.getParameters(region, batch).then((answer) => ({ region, batch, answer }), (err: unknown): CallFailure => callFailure(err))),
  );
  const values = new Map<string, string>();
  const missing = new Set<string>();
  for (const a of answers) {
    if (!("answer" in a)) return { failure: secretFailure.ssmCall(a) };
    for (const name of a.batch) {
      const value = a.answer.values.get(name);
      if (value === undefined) missing.add(`${a.region}\n${name}`);
      else values.set(`${a.region}\n${name}`, value);
    }
  }
  if (missing.size > 0) {
    // Named as the task definition names them (a name, or the ARN it was given as).
    const asked = located.filter((l) => l.source.service === "ssm" && missing.has(parameterKey(l.source))).map((l) => l.valueFrom);
    return { failure: secretFailure.ssmInvalid([...new Set(asked)]) };
  }
  return values;
}

/** Every secret's SecretString ("" for a binary secret) or why it could not be had, keyed by region, id and version. */
async function fetchSecrets(located: readonly Located[], stores: SecretStores): Promise<Map<string, { readonly text: string } | Failed>> {
  const unique = new Map<string, SecretSource & { service: "asm" }>();
  for (const { source: s } of located) if (s.service === "asm") unique.set(secretKey(s), s);
  const answers = await Promise.all(
    [...unique].map(([key, s]) =>
      stores.getSecretValue(s.region, { secretId: s.secretId, versionStage: s.versionStage, versionId: s.versionId }).then(
        (text): [string, { text: string } | Failed] => [key, { text: text ?? "" }],
        (err: unknown): [string, { text: string } | Failed] => [key, { failure: secretFailure.asmCall(s.secretId, callFailure(err)) }],
      ),
    ),
  );
  return new Map(answers);
}

/**
 * Each container's values from what was fetched (json keys picked, registry credentials read), or
 * the task's reason: every failure kept by the resource the ECS agent would fail it in, a Secrets
 * Manager valueFrom once however many containers ask for it.
 */
function assemble(located: readonly Located[], parameters: ReadonlyMap<string, string> | Failed, secret: (s: SecretSource & { service: "asm" }) => { readonly text: string } | Failed): SecretsOutcome {
  const out = new Map<string, { environment: Record<string, string>; logOptions: Record<string, string>; registryCredentials?: RegistryCredentials }>();
  const asmFailures = new Map<string, string>();
  let registryFailure: string | undefined;
  for (const l of located) {
    const fetched = l.source.service === "ssm" ? ("failure" in parameters ? parameters : { text: parameters.get(parameterKey(l.source)) ?? "" }) : secret(l.source);
    if ("failure" in fetched) {
      if (l.use === "registry") registryFailure ??= fetched.failure;
      else if (l.source.service === "asm") asmFailures.set(l.valueFrom, fetched.failure);
      continue;
    }
    const container = out.get(l.container) ?? { environment: {}, logOptions: {} };
    out.set(l.container, container);
    if (l.use === "registry") {
      const credentials = parseRegistryCredentials(fetched.text);
      if ("problem" in credentials) registryFailure ??= secretFailure.registryCredentials(credentials.problem);
      else container.registryCredentials = credentials;
      continue;
    }
    let value = fetched.text;
    if (l.source.service === "asm" && l.source.jsonKey !== undefined) {
      const picked = jsonKeyValue(fetched.text, l.source.jsonKey);
      if ("problem" in picked) {
        asmFailures.set(l.valueFrom, secretFailure.asmValue(picked.problem));
        continue;
      }
      value = picked.value;
    }
    (l.use === "environment" ? container.environment : container.logOptions)[l.name] = value;
  }
  const reason = secretsFailureReason({ ssm: "failure" in parameters ? parameters.failure : undefined, asm: [...asmFailures.values()], registry: registryFailure });
  return reason === undefined ? { ok: true, containers: out } : { ok: false, reason };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
