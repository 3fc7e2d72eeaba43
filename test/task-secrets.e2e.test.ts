import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DescribeTasksCommand, RunTaskCommand, type ContainerDefinition, type Task } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { clients, policyDoc } from "./support/iam-tools.js";
import { RegistryTools } from "./support/registry-tools.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/**
 * A task definition's secrets reach its container as the ECS agent delivers them: read at task start
 * from Berth's SSM Parameter Store and Secrets Manager as the task's execution role, whose policy
 * decides; a task whose secrets cannot be read stops before any of its containers is created, with
 * ECS's ResourceInitializationError reason.
 */
describe("a task's secrets, from SSM and Secrets Manager, as its execution role", () => {
  let cluster: BerthCluster;
  let tools: RegistryTools;
  let account = "";
  let secretArn = "";
  let registrySecretArn = "";
  let otherSecretArn = "";
  let image = "";
  const password = "pa55-w0rd!";
  const logGroup = "/ecs/secret-logs";
  let logs: CloudWatchLogsClient;
  const prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

  before(async () => {
    cluster = await BerthCluster.start({ name: "task-secrets" });
    const server = cluster.server;
    const config = { endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry };
    const { iam, sts } = clients(server);
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account!;

    const ssm = new SSMClient(config);
    const asm = new SecretsManagerClient(config);
    await ssm.send(new PutParameterCommand({ Name: "/app/db-password", Value: password, Type: "SecureString" }));
    await ssm.send(new PutParameterCommand({ Name: "/other/x", Value: "not-for-this-role", Type: "SecureString" }));
    // awslogs options given as secretOptions: a stream prefix, and create-group (the group and region must be options).
    await ssm.send(new PutParameterCommand({ Name: "/app/log-prefix", Value: "prefix-from-secret", Type: "SecureString" }));
    await ssm.send(new PutParameterCommand({ Name: "/app/log-create-group", Value: "true", Type: "String" }));
    logs = new CloudWatchLogsClient(config);
    secretArn = (await asm.send(new CreateSecretCommand({ Name: "app/db", SecretString: JSON.stringify({ user: "u", password: "p" }) }))).ARN!;
    otherSecretArn = (await asm.send(new CreateSecretCommand({ Name: "other/token", SecretString: "not-for-this-role-either" }))).ARN!;

    // An image in Berth's registry, and its credentials (root's token) as a secret, for repositoryCredentials.
    tools = new RegistryTools(server);
    assert.equal((await server.aws("ecr", "create-repository", "--repository-name", "secret-pull")).code, 0);
    const registryPassword = await tools.password();
    assert.equal((await tools.login(registryPassword)).code, 0);
    image = `${tools.host}/secret-pull:latest`;
    await tools.tag("berth-test:latest", image);
    const push = await tools.docker(["push", image]);
    assert.equal(push.code, 0, push.stderr);
    registrySecretArn = (await asm.send(new CreateSecretCommand({ Name: "app/registry", SecretString: JSON.stringify({ username: "AWS", password: registryPassword }) }))).ARN!;
    ssm.destroy();
    asm.destroy();

    const trust = policyDoc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
    await iam.send(new CreateRoleCommand({ RoleName: "app-exec", AssumeRolePolicyDocument: trust }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "app-exec",
        PolicyName: "secrets",
        PolicyDocument: policyDoc(
          { Effect: "Allow", Action: "ssm:GetParameters", Resource: `arn:aws:ssm:us-east-1:${account}:parameter/app/*` },
          { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [secretArn, registrySecretArn] },
          { Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:us-east-1:${account}:log-group:${logGroup}*` },
        ),
      }),
    );
  });

  after(async () => {
    logs?.destroy();
    await cluster.stop();
    await tools.cleanUp();
  });

  /** Registers one container with `secrets` (execution role app-exec), runs it, waits until it runs or stops. */
  async function run(family: string, secrets: ContainerDefinition["secrets"], over: Partial<ContainerDefinition> = {}): Promise<Task> {
    const taskDefinition = await cluster.register({
      family,
      executionRoleArn: `arn:aws:iam::${account}:role/app-exec`,
      containerDefinitions: [
        {
          name: "app",
          image: "berth-test:latest",
          ...over,
          memory: 32,
          essential: true,
          command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"],
          environment: [{ name: "DB_PASSWORD", value: "from-environment" }, { name: "PLAIN", value: "1" }],
          secrets,
        },
      ],
    });
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition }));
    assert.deepEqual(out.failures, []);
    const arn = out.tasks![0]!.taskArn!;
    return (await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING" || t.lastStatus === "STOPPED", 60_000, `${family} RUNNING or STOPPED`))[0]!;
  }

  /** Containers Docker created for the task since the test began, removed or not. */
  async function createdFor(task: Task, since: string): Promise<string[]> {
    const out = await docker("events", "--since", since, "--until", new Date().toISOString(), "--filter", "type=container", "--filter", "event=create", "--filter", `label=com.amazonaws.ecs.task-arn=${task.taskArn!}`, "--format", "{{.Actor.ID}}");
    return out.split("\n").filter((l) => l.trim() !== "");
  }

  it("puts the parameter (by name and by ARN), a json key and the whole secret into the container's environment, over its own entries", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const task = await run("secrets-ok", [
      { name: "DB_PASSWORD", valueFrom: "/app/db-password" },
      { name: "DB_PASSWORD_BY_ARN", valueFrom: `arn:aws:ssm:us-east-1:${account}:parameter/app/db-password` },
      { name: "DB_USER", valueFrom: `${secretArn}:user::` },
      { name: "DB", valueFrom: secretArn },
    ]);
    assert.equal(task.lastStatus, "RUNNING", task.stoppedReason);
    const id = task.containers![0]!.runtimeId!;
    assert.deepEqual(await createdFor(task, since), [id], "Docker's events show the task's one container created");
    const env = JSON.parse(await docker("inspect", "--format", "{{json .Config.Env}}", id)) as string[];
    const vars = Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    assert.deepEqual(
      [vars.DB_PASSWORD, vars.DB_PASSWORD_BY_ARN, vars.DB_USER, vars.DB, vars.PLAIN],
      [password, password, "u", JSON.stringify({ user: "u", password: "p" }), "1"],
    );

    // Neither DescribeTasks nor the task metadata endpoint shows a value.
    const described = JSON.stringify(await cluster.ecs.send(new DescribeTasksCommand({ cluster: cluster.name, tasks: [task.taskArn!] })));
    const metadataUri = vars.ECS_CONTAINER_METADATA_URI_V4!.replace(/^http:\/\/[^/]+/, `http://127.0.0.1:${cluster.agents[0]!.metadataPort}`);
    const metadata = [await (await fetch(metadataUri)).text(), await (await fetch(`${metadataUri}/task`)).text()].join("\n");
    assert.ok(metadata.includes(task.taskArn!), "the metadata endpoint answered about the task");
    for (const shown of [described, metadata]) for (const value of [password, '"p"']) assert.ok(!shown.includes(value), `${value} shown`);
  });

  it("stops a task asking for a parameter its execution role may not read, naming AccessDeniedException, before creating any container", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const task = await run("secrets-denied", [{ name: "X", valueFrom: "/other/x" }]);
    assert.equal(task.lastStatus, "STOPPED");
    assert.equal(task.stopCode, "TaskFailedToStart");
    const taskId = task.taskArn!.split("/").pop()!;
    assert.ok(
      (task.stoppedReason ?? "").startsWith(`${prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::${account}:assumed-role/app-exec/${taskId} is not authorized to perform: ssm:GetParameters`),
      task.stoppedReason,
    );
    assert.ok(!(task.stoppedReason ?? "").includes("not-for-this-role"));
    assert.deepEqual(await createdFor(task, since), []);
  });

  it("stops a task naming a parameter that does not exist, with ECS's reason, before creating any container", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const task = await run("secrets-missing", [{ name: "DB_PASSWORD", valueFrom: "/app/db-password" }, { name: "GONE", valueFrom: "/app/gone" }]);
    assert.equal(task.lastStatus, "STOPPED");
    assert.equal(task.stopCode, "TaskFailedToStart");
    assert.equal(task.stoppedReason, `${prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /app/gone`);
    assert.deepEqual(await createdFor(task, since), []);
  });

  it("stops a task whose json key the secret lacks", async () => {
    const task = await run("secrets-no-key", [{ name: "HOST", valueFrom: `${secretArn}:host::` }]);
    assert.equal(task.stoppedReason, `${prefix}unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key host`);
  });

  it("names every secret that failed, each in its own words, joined with ';' as the ECS agent joins Secrets Manager's failures", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const task = await run("secrets-two-failures", [
      { name: "DB_PASSWORD", valueFrom: "/app/db-password" },
      { name: "HOST", valueFrom: `${secretArn}:host::` },
      { name: "TOKEN", valueFrom: otherSecretArn },
    ]);
    assert.equal(task.stopCode, "TaskFailedToStart");
    const taskId = task.taskArn!.split("/").pop()!;
    const [first, second, ...more] = (task.stoppedReason ?? "").slice(prefix.length).split(";");
    assert.ok((task.stoppedReason ?? "").startsWith(prefix), task.stoppedReason);
    assert.equal(first, "unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key host");
    assert.ok(
      (second ?? "").startsWith(
        `unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${otherSecretArn} from secrets manager: AccessDeniedException: User: arn:aws:sts::${account}:assumed-role/app-exec/${taskId} is not authorized to perform: secretsmanager:GetSecretValue`,
      ),
      task.stoppedReason,
    );
    assert.deepEqual(more, []);
    for (const value of [password, "not-for-this-role-either"]) assert.ok(!(task.stoppedReason ?? "").includes(value));
    assert.deepEqual(await createdFor(task, since), []);
  });

  it("readies an awslogs container's log before it starts with the options given as secretOptions (the group made, the stream named with the prefix), as Docker's awslogs driver takes them from ECS; DescribeTasks shows none", async () => {
    const task = await run("secret-log-options", undefined, {
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-region": "us-east-1", "awslogs-group": logGroup },
        secretOptions: [
          { name: "awslogs-create-group", valueFrom: "/app/log-create-group" },
          { name: "awslogs-stream-prefix", valueFrom: "/app/log-prefix" },
        ],
      },
    });
    assert.equal(task.lastStatus, "RUNNING", task.stoppedReason);
    const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: logGroup }))).logStreams?.map((s) => s.logStreamName);
    assert.deepEqual(streams, [`prefix-from-secret/app/${task.taskArn!.split("/").pop()!}`], "one stream, named with the secret prefix (none named by the container's id)");
    const described = JSON.stringify(await cluster.ecs.send(new DescribeTasksCommand({ cluster: cluster.name, tasks: [task.taskArn!] })));
    assert.ok(!described.includes("prefix-from-secret"), "DescribeTasks shows no resolved option");
  });

  it("pulls a private image with repositoryCredentials' secret, where the execution role itself may not pull", async () => {
    await tools.docker(["rmi", "-f", image]);
    assert.notEqual((await tools.docker(["image", "inspect", image])).code, 0, "the image is not on this engine");
    const task = await run("secrets-registry", undefined, { image, repositoryCredentials: { credentialsParameter: registrySecretArn } });
    assert.equal(task.lastStatus, "RUNNING", task.stoppedReason);
    assert.equal((await tools.docker(["image", "inspect", image])).code, 0, "the agent pulled it");
  });
});
