import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { resolveTaskSecrets, type ParametersAnswer, type SecretsOutcome, type SecretStores, type SecretVersionRequest, type TaskSecretsInput } from "./resolve-secrets.js";

const account = "123456789012";
const dbSecret = `arn:aws:secretsmanager:us-east-1:${account}:secret:app/db-AbCdEf`;
const prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

/** An AWS error as the SDK throws it: the code in `name`, and how often it tried. */
const awsError = (code: string, message: string, attempts = 1): Error => Object.assign(new Error(message), { name: code, $metadata: { attempts } });

/**
 * SSM and Secrets Manager in memory, keyed `<region>:<name>` and by secret id then version stage or
 * id; what the role may not read is refused with AccessDeniedException. Every call is recorded.
 */
class FakeStores implements SecretStores {
  readonly calls: string[] = [];
  constructor(
    private readonly parameters: Readonly<Record<string, string>>,
    private readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
    private readonly denied: (resource: string) => boolean = () => false,
  ) {}

  getParameters(region: string, names: readonly string[]): Promise<ParametersAnswer> {
    this.calls.push(`ssm ${region} ${names.join(",")}`);
    const refused = names.find((n) => this.denied(n));
    if (refused !== undefined) {
      return Promise.reject(awsError("AccessDeniedException", `User: arn:aws:sts::${account}:assumed-role/exec/t is not authorized to perform: ssm:GetParameters on resource: ${refused}`));
    }
    const values = new Map<string, string>();
    const invalid: string[] = [];
    for (const n of names) {
      const v = this.parameters[`${region}:${n}`];
      if (v === undefined) invalid.push(n);
      else values.set(n, v);
    }
    return Promise.resolve({ values, invalid });
  }

  getSecretValue(region: string, r: SecretVersionRequest): Promise<string | undefined> {
    this.calls.push(`asm ${region} ${r.secretId} ${r.versionStage ?? "-"} ${r.versionId ?? "-"}`);
    if (this.denied(r.secretId)) return Promise.reject(awsError("AccessDeniedException", `not authorized to perform: secretsmanager:GetSecretValue on resource: ${r.secretId}`));
    const versions = this.secrets[r.secretId];
    const text = versions?.[r.versionId ?? r.versionStage ?? "AWSCURRENT"];
    if (text === undefined) return Promise.reject(awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    return Promise.resolve(text);
  }
}

const task = (containers: ContainerDefinition[], over: Partial<TaskSecretsInput> = {}): TaskSecretsInput => ({ containers, taskRegion: "us-east-1", hasExecutionRole: true, ...over });
const app = (over: Partial<ContainerDefinition>): ContainerDefinition => ({ name: "app", image: "berth-test:latest", ...over });
const env = (name: string, valueFrom: string) => ({ name, valueFrom });

/** Resolves, counting how often the stores were opened. */
async function resolve(input: TaskSecretsInput, stores: SecretStores): Promise<SecretsOutcome & { opened: number }> {
  let opened = 0;
  const out = await resolveTaskSecrets(input, () => {
    opened++;
    return Promise.resolve(stores);
  });
  return { ...out, opened };
}

function reasonOf(out: SecretsOutcome): string {
  assert.ok(!out.ok, "expected the task to fail");
  return out.reason;
}

describe("resolving a task's secrets", () => {
  const stores = () =>
    new FakeStores({ "us-east-1:/app/db-password": "s3cr3t" }, { [dbSecret]: { AWSCURRENT: '{"user":"u","password":"p"}', AWSPREVIOUS: '{"user":"old"}', "v-1": '{"user":"v1"}' } });

  it("gives each container its variables, log options and registry credentials, parameters by name and by ARN in one call", async () => {
    const fake = new FakeStores(
      { "us-east-1:/app/db-password": "s3cr3t", "us-east-1:token": "t0k" },
      { [dbSecret]: { AWSCURRENT: '{"user":"u","password":"p"}' }, "app/registry": { AWSCURRENT: '{"username":"ru","password":"rp"}' } },
    );
    const out = await resolve(
      task([
        app({
          secrets: [
            env("DB_PASSWORD", "/app/db-password"),
            env("DB_PASSWORD_BY_ARN", `arn:aws:ssm:us-east-1:${account}:parameter/app/db-password`),
            env("DB_USER", `${dbSecret}:user::`),
            env("DB", dbSecret),
          ],
          logConfiguration: { logDriver: "splunk", secretOptions: [env("splunk-token", "token")] },
        }),
        app({ name: "sidecar", repositoryCredentials: { credentialsParameter: "app/registry" } }),
      ]),
      fake,
    );
    assert.ok(out.ok);
    assert.deepEqual(fake.calls, ["ssm us-east-1 /app/db-password,token", `asm us-east-1 ${dbSecret} - -`, "asm us-east-1 app/registry - -"]);
    assert.deepEqual(Object.fromEntries(out.containers), {
      app: {
        environment: { DB_PASSWORD: "s3cr3t", DB_PASSWORD_BY_ARN: "s3cr3t", DB_USER: "u", DB: '{"user":"u","password":"p"}' },
        logOptions: { "splunk-token": "t0k" },
      },
      sidecar: { environment: {}, logOptions: {}, registryCredentials: { username: "ru", password: "rp" } },
    });
  });

  it("asks SSM once per region and batch of 10 names, and Secrets Manager once per secret and version", async () => {
    const many = Array.from({ length: 12 }, (_, i) => env(`P${i}`, `/app/p${i}`));
    const parameters = Object.fromEntries(many.map((p) => [`us-east-1:${p.valueFrom}`, "v"]));
    const f = new FakeStores({ ...parameters, "eu-west-1:/app/eu": "eu" }, { [dbSecret]: { AWSCURRENT: '{"user":"u","password":"p"}', AWSPREVIOUS: '{"user":"old"}' } });
    const out = await resolve(
      task([
        app({
          secrets: [
            ...many,
            env("EU", `arn:aws:ssm:eu-west-1:${account}:parameter/app/eu`),
            env("USER", `${dbSecret}:user::`),
            env("PASSWORD", `${dbSecret}:password::`),
            env("OLD_USER", `${dbSecret}:user:AWSPREVIOUS:`),
          ],
        }),
      ]),
      f,
    );
    assert.ok(out.ok);
    // Region and the number of names of each GetParameters call.
    const ssmCalls = f.calls.filter((c) => c.startsWith("ssm")).map((c) => `${c.split(" ").slice(0, 2).join(" ")} ${c.split(",").length}`);
    assert.deepEqual(ssmCalls, ["ssm us-east-1 10", "ssm us-east-1 2", "ssm eu-west-1 1"]);
    assert.deepEqual(f.calls.filter((c) => c.startsWith("asm")).sort(), [`asm us-east-1 ${dbSecret} - -`, `asm us-east-1 ${dbSecret} AWSPREVIOUS -`]);
    assert.deepEqual([out.containers.get("app")?.environment.USER, out.containers.get("app")?.environment.OLD_USER, out.containers.get("app")?.environment.EU], ["u", "old", "eu"]);
  });

  it("chooses a version by id", async () => {
    const out = await resolve(task([app({ secrets: [env("USER", `${dbSecret}:user::v-1`)] })]), stores());
    assert.ok(out.ok);
    assert.equal(out.containers.get("app")?.environment.USER, "v1");
  });

  it("opens nothing for a task without secrets", async () => {
    const out = await resolve(task([app({ environment: [{ name: "A", value: "1" }] })], { hasExecutionRole: false }), stores());
    assert.deepEqual([out.ok, out.opened], [true, 0]);
  });

  const failures: [string, TaskSecretsInput, string][] = [
    [
      "a parameter SSM does not have, named as the definition names it",
      task([app({ secrets: [env("A", "/app/db-password"), env("B", `arn:aws:ssm:us-east-1:${account}:parameter/app/missing`), env("C", "/app/missing")] })]),
      `${prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: arn:aws:ssm:us-east-1:${account}:parameter/app/missing,/app/missing`,
    ],
    [
      "a parameter the role may not read",
      task([app({ secrets: [env("X", "/other/x")] })]),
      `${prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::${account}:assumed-role/exec/t is not authorized to perform: ssm:GetParameters on resource: /other/x`,
    ],
    [
      "a secret Secrets Manager does not have",
      task([app({ secrets: [env("X", `arn:aws:secretsmanager:us-east-1:${account}:secret:gone:user::`)] })]),
      `${prefix}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:${account}:secret:gone from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
    ],
    [
      "a secret the role may not read",
      task([app({ secrets: [env("X", `arn:aws:secretsmanager:us-east-1:${account}:secret:other`)] })]),
      `${prefix}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:${account}:secret:other from secrets manager: AccessDeniedException: not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:${account}:secret:other`,
    ],
    [
      "a json key the secret lacks",
      task([app({ secrets: [env("X", `${dbSecret}:host::`)] })]),
      `${prefix}unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key host`,
    ],
    [
      "a Secrets Manager ARN with a json key and no version fields",
      task([app({ secrets: [env("X", `${dbSecret}:user`)] })]),
      `${prefix}unable to retrieve secret from asm: trying to retrieve secret with value ${dbSecret}:user resulted in error: an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and try again.`,
    ],
    [
      "registry credentials that are not a username and password",
      task([app({ repositoryCredentials: { credentialsParameter: dbSecret } })]),
      `${prefix}unable to retrieve secret from asm: asm fetching username: AuthorizationData is malformed, empty field`,
    ],
    [
      "secrets without an execution role",
      task([app({ secrets: [env("A", "/app/db-password")] })], { hasExecutionRole: false }),
      `${prefix}the task has secrets to retrieve but no task execution role (executionRoleArn) to retrieve them with`,
    ],
  ];
  for (const [what, input, reason] of failures) {
    it(`stops the task for ${what}, with ECS's reason and no value in it`, async () => {
      const denied = (r: string) => r.startsWith("/other/") || r.endsWith(":secret:other");
      const out = await resolve(input, new FakeStores({ "us-east-1:/app/db-password": "s3cr3t" }, { [dbSecret]: { AWSCURRENT: '{"user":"u","password":"p"}' } }, denied));
      const got = reasonOf(out);
      assert.equal(got, reason);
      for (const value of ["s3cr3t", '"p"', "password\":"]) assert.ok(!got.includes(value), `the reason shows ${value}`);
    });
  }

  it("reports SSM's failure before Secrets Manager's, and the SDK's attempts", async () => {
    const stores: SecretStores = {
      getParameters: () => Promise.reject(awsError("ThrottlingException", "Rate exceeded", 2)),
      getSecretValue: () => Promise.reject(awsError("AccessDeniedException", "no")),
    };
    const out = await resolve(task([app({ secrets: [env("S", dbSecret), env("P", "/app/p")] })]), stores);
    assert.equal(reasonOf(out), `${prefix}unable to retrieve secrets from ssm: service call has been retried 2 time(s): ThrottlingException: Rate exceeded`);
  });

  it("names every Secrets Manager secret that failed, once each, joined with ';' in the definition's order", async () => {
    const gone = `arn:aws:secretsmanager:us-east-1:${account}:secret:gone`;
    const other = `arn:aws:secretsmanager:us-east-1:${account}:secret:other`;
    const out = await resolve(
      task([
        app({ secrets: [env("A", gone), env("B", `${dbSecret}:host::`), env("C", `${dbSecret}:user::`)] }),
        app({ name: "sidecar", secrets: [env("A", gone)], logConfiguration: { logDriver: "splunk", secretOptions: [env("splunk-token", other)] } }),
      ]),
      new FakeStores({}, { [dbSecret]: { AWSCURRENT: '{"user":"u","password":"p"}' } }, (r) => r === other),
    );
    assert.equal(
      reasonOf(out),
      `${prefix}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${gone} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.;` +
        `unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key host;` +
        `unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${other} from secrets manager: AccessDeniedException: not authorized to perform: secretsmanager:GetSecretValue on resource: ${other}`,
    );
  });

  it("reports one resource's failure when SSM and Secrets Manager both fail: SSM's, as the ECS agent keeps one resource's reason", async () => {
    const out = await resolve(task([app({ secrets: [env("S", `arn:aws:secretsmanager:us-east-1:${account}:secret:gone`), env("P", "/app/missing")] })]), stores());
    assert.equal(reasonOf(out), `${prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /app/missing`);
  });

  it("stops the task when the execution role's credentials cannot be had", async () => {
    const out = await resolveTaskSecrets(task([app({ secrets: [env("A", "/a")] })]), () => Promise.reject(awsError("ClientException", "the task has no execution role")));
    assert.equal(reasonOf(out), `${prefix}unable to get the task execution role's credentials: ClientException: the task has no execution role`);
  });

  it("asks for nothing when a valueFrom cannot be read", async () => {
    const fake = stores();
    const out = await resolve(task([app({ secrets: [env("A", "/app/db-password"), env("B", `${dbSecret}:a:b`)] })]), fake);
    assert.deepEqual([out.ok, out.opened, fake.calls], [false, 0, []]);
  });
});
