import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, ListMetricsCommand, PutMetricAlarmCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DescribeLogGroupsCommand, DescribeLogStreamsCommand, GetLogEventsCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand,
} from "@aws-sdk/client-ecs";
import { CreateRepositoryCommand, PutLifecyclePolicyCommand } from "@aws-sdk/client-ecr";
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { AttachUserPolicyCommand, CreatePolicyCommand, GetPolicyCommand, GetUserCommand, ListAccessKeysCommand, ListAttachedUserPoliciesCommand } from "@aws-sdk/client-iam";
import pg from "pg";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { berthBin, BerthServer } from "./support/berth-server.js";
import { elbv2 } from "./support/elbv2-cli.js";
import { clients, policyDoc, userWithPolicies, type Creds } from "./support/iam-tools.js";
import { startPostgres, type PostgresServer } from "./support/postgres-server.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { snapshotState } from "./support/state-snapshot.js";
import { until } from "./support/until.js";
import { tableCopies } from "../src/store-copy/tables.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/** `berth store copy` as a user runs it: the built CLI. */
function storeCopy(dataDir: string, url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [berthBin, "store", "copy", "--data-dir", dataDir, "--store", url], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const cluster = "shop";
const minute = 60_000;
/** Whole minutes, a quarter of an hour ago: inside the retention, and the same periods for both servers. */
const t0 = Math.floor(Date.now() / minute) * minute - 15 * minute;

/**
 * A server's state on SQLite, moved into PostgreSQL with `berth store copy`, and served from there by
 * a server on the same data directory: everything reads back as the SQLite server answered it, the
 * numbering of task definitions goes on, the agent comes back to the new server and runs new work.
 */
describe("berth store copy: a SQLite server's state, served from PostgreSQL", { timeout: 120_000 }, () => {
  let db: PostgresServer;
  let url: string;
  let sqlite: BerthServer;
  let onPostgres: BerthServer | undefined;
  let agents: SimulatedAgent[] = [];
  let ci: Creds;
  let answered: unknown;

  before(async () => {
    db = await startPostgres();
    await db.createDatabase("berth");
    url = db.url("berth");
    // Alarms are evaluated only when asked: the copy must not race an evaluation that moves their state.
    sqlite = await BerthServer.start(undefined, ["--alarm-interval", "1h"]);
  });
  after(async () => {
    for (const a of agents) a.stop();
    await onPostgres?.kill();
    await sqlite?.stop();
    await db?.stop();
  });

  /** What a client reads of everything the test made, from `server`. */
  async function everything(server: BerthServer): Promise<unknown> {
    const config = { endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry };
    const { iam, ecs } = clients(server);
    const logs = new CloudWatchLogsClient(config);
    const cw = new CloudWatchClient(config);
    const events = new EventBridgeClient(config);
    const policyArn = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: "ci" }))).AttachedPolicies?.[0]?.PolicyArn;
    const europe = server.ecs({ region: "eu-west-1" });
    const web2 = (await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0]?.clusterArn?.replace(/cluster\/shop$/, "task-definition/web:2") ?? "";
    const strip = <T>(o: T): Omit<T, "$metadata"> => {
      const { $metadata: _, ...rest } = o as T & { $metadata: unknown };
      return rest;
    };
    return {
      ecs: await snapshotState(server.endpoint, server.accessKey),
      taskDefinitionTags: strip(await ecs.send(new ListTagsForResourceCommand({ resourceArn: web2 }))),
      iam: {
        user: (await iam.send(new GetUserCommand({ UserName: "ci" }))).User,
        keys: (await iam.send(new ListAccessKeysCommand({ UserName: "ci" }))).AccessKeyMetadata,
        policy: (await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy,
      },
      elb: {
        targetGroups: await elbv2(server, "describe-target-groups"),
        loadBalancers: await elbv2(server, "describe-load-balancers"),
      },
      logs: {
        groups: strip(await logs.send(new DescribeLogGroupsCommand({}))),
        streams: strip(await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/shop/web" }))),
        events: strip(await logs.send(new GetLogEventsCommand({ logGroupName: "/shop/web", logStreamName: "app", startFromHead: true }))),
      },
      metrics: {
        list: strip(await cw.send(new ListMetricsCommand({ Namespace: "Shop" }))),
        data: strip(await cw.send(ordersQuery())),
        alarms: strip(await cw.send(new DescribeAlarmsCommand({}))),
      },
      events: {
        rules: strip(await events.send(new ListRulesCommand({}))),
        targets: strip(await events.send(new ListTargetsByRuleCommand({ Rule: "task-failures" }))),
      },
      europe: (await europe.send(new DescribeClustersCommand({ clusters: (await europe.send(new ListClustersCommand({}))).clusterArns }))).clusters,
    };
  }

  const ordersQuery = () =>
    new GetMetricDataCommand({
      MetricDataQueries: [{ Id: "orders", MetricStat: { Metric: { Namespace: "Shop", MetricName: "Orders", Dimensions: [{ Name: "Store", Value: "north" }] }, Period: 60, Stat: "Sum" } }],
      StartTime: new Date(t0 - 10 * minute),
      EndTime: new Date(t0 + 10 * minute),
    });

  it("serves a representative state on SQLite: a cluster with an agent, tasks, a service, IAM, a load balancer, logs, metrics, an alarm, a rule, and a second region", async () => {
    const { ecs, iam, ecr } = clients(sqlite);
    const config = { endpoint: sqlite.endpoint, region: "us-east-1", credentials: sqlite.accessKey, ...testSdkRetry };
    const clusterArn = (await ecs.send(new CreateClusterCommand({ clusterName: cluster, tags: [{ key: "team", value: "shop" }] }))).cluster!.clusterArn!;
    agents = await startSimulatedAgents(sqlite, cluster, [{ cpu: 4096, memory: 8192 }]);
    const register = () => ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "app", image: "busybox", memory: 64 }] }));
    await register();
    const web2 = (await register()).taskDefinition!.taskDefinitionArn!;
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "web:1" }));
    await ecs.send(new TagResourceCommand({ resourceArn: web2, tags: [{ key: "tier", value: "front" }] }));
    const ran = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: web2, startedBy: "before-copy" }));
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: "api", taskDefinition: web2, desiredCount: 1 }));
    await until("the task and the service's task RUNNING", async () => {
      const service = (await ecs.send(new DescribeServicesCommand({ cluster, services: ["api"] }))).services?.[0];
      const task = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [ran.tasks![0]!.taskArn!] }))).tasks?.[0];
      return service?.runningCount === 1 && task?.lastStatus === "RUNNING" ? true : undefined;
    });

    ci = await userWithPolicies(sqlite, "ci", {}, [{ Key: "team", Value: "shop" }]);
    const policy = await iam.send(new CreatePolicyCommand({ PolicyName: "read-ecs", PolicyDocument: policyDoc({ Effect: "Allow", Action: ["ecs:List*", "ecs:Describe*"], Resource: "*" }) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: "ci", PolicyArn: policy.Policy!.Arn! }));

    await elbv2(sqlite, "create-target-group", "--name", "web", "--protocol", "HTTP", "--port", "80", "--vpc-id", "vpc-1", "--health-check-path", "/health");
    await elbv2(sqlite, "create-load-balancer", "--name", "front", "--subnets", "subnet-1", "--tags", "Key=team,Value=shop");

    const logs = new CloudWatchLogsClient(config);
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/shop/web", tags: { team: "shop" } }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/shop/web", logStreamName: "app" }));
    await logs.send(new PutLogEventsCommand({ logGroupName: "/shop/web", logStreamName: "app", logEvents: ["started", "order 1", "order 2 ✓"].map((message, i) => ({ timestamp: t0 + i, message })) }));

    const cw = new CloudWatchClient(config);
    const Dimensions = [{ Name: "Store", Value: "north" }];
    await cw.send(new PutMetricDataCommand({ Namespace: "Shop", MetricData: [3, 5, 8].map((Value, i) => ({ MetricName: "Orders", Dimensions, Value, Unit: "Count", Timestamp: new Date(t0 + i * minute) })) }));
    await cw.send(new PutMetricAlarmCommand({ AlarmName: "orders-high", Namespace: "Shop", MetricName: "Orders", Dimensions, Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 100, ComparisonOperator: "GreaterThanThreshold" }));

    const events = new EventBridgeClient(config);
    const pattern = { source: ["aws.ecs"], "detail-type": ["ECS Task State Change"], detail: { clusterArn: [clusterArn], stopCode: ["EssentialContainerExited"] } };
    await events.send(new PutRuleCommand({ Name: "task-failures", EventPattern: JSON.stringify(pattern) }));
    await events.send(new PutTargetsCommand({ Rule: "task-failures", Targets: [{ Id: "report", Arn: clusterArn, EcsParameters: { TaskDefinitionArn: web2, LaunchType: "EC2" } }] }));

    await ecr.send(new CreateRepositoryCommand({ repositoryName: "shop/web", tags: [{ Key: "team", Value: "shop" }] }));
    const expire = { rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 5 }, action: { type: "expire" } }] };
    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: "shop/web", lifecyclePolicyText: JSON.stringify(expire) }));

    await sqlite.ecs({ region: "eu-west-1" }).send(new CreateClusterCommand({ clusterName: "europe" }));

    answered = await everything(sqlite);
    const seen = JSON.stringify(answered);
    for (const made of ["orders-high", "task-failures", "read-ecs", "order 2 ✓", "front", "europe", "shop/web", "before-copy"]) assert.ok(seen.includes(made), `${made} is in what the SQLite server answers`);
  });

  it("refuses to copy while the server runs, and writes nothing", async () => {
    const refused = await storeCopy(sqlite.dataDir, url);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /^berth: a Berth server is using .*berth\.db: stop it first/m);
    assert.deepEqual(await fingerprint(url), {});
  });

  it("copies every region once the server is stopped, and says what else a server on PostgreSQL needs", async () => {
    await sqlite.kill();
    const copied = await storeCopy(sqlite.dataDir, url);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stderr, /^berth store copy: us-east-1 tasks: 2 rows in \d+\.\d s$/m);
    assert.match(copied.stderr, /^berth store copy: eu-west-1 clusters: 1 rows in \d+\.\d s$/m);
    assert.match(copied.stdout, new RegExp(`^us-east-1: [\\d,]+ rows of ${tableCopies.length} tables into schema public; its change log goes on from revision \\d+\\.$`, "m"));
    assert.match(copied.stdout, new RegExp(`^eu-west-1: [\\d,]+ rows of ${tableCopies.length} tables into schema region_eu_west_1;`, "m"));
    for (const file of ["credentials", "iam-key", "registry/token-secret"]) assert.ok(copied.stdout.includes(file), `the output names ${file}`);
  });

  it("serves the same state from PostgreSQL, on the same data directory", async () => {
    onPostgres = await BerthServer.start(sqlite.dataDir, ["--store", url, "--port", new URL(sqlite.endpoint).port, "--alarm-interval", "1h"]);
    assert.deepEqual(await everything(onPostgres), answered);
    // The user's key verifies (IAM's key is in the data directory), and its policy still decides.
    const asCi = new ECSClient({ endpoint: onPostgres.endpoint, region: "us-east-1", credentials: ci, ...testSdkRetry });
    assert.equal((await asCi.send(new ListClustersCommand({}))).clusterArns?.length, 1);
    const metrics = (await new CloudWatchClient({ endpoint: onPostgres.endpoint, region: "us-east-1", credentials: onPostgres.accessKey, ...testSdkRetry }).send(ordersQuery())).MetricDataResults?.[0];
    assert.deepEqual({ times: metrics?.Timestamps?.map((t) => t.getTime()).sort(), values: [...(metrics?.Values ?? [])].sort() }, { times: [t0, t0 + minute, t0 + 2 * minute], values: [3, 5, 8] });
  });

  it("goes on where SQLite left off: task definition revision 3, and new tasks and services on the agent, which comes back", async () => {
    const ecs = onPostgres!.ecs();
    const registered = await ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "app", image: "busybox", memory: 32 }] }));
    assert.equal(registered.taskDefinition?.revision, 3);
    const [instance] = (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [agents[0]!.containerInstanceArn] }))).containerInstances ?? [];
    assert.ok(instance, "the agent's instance");
    await until("the agent back on the server on PostgreSQL", async () =>
      (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [agents[0]!.containerInstanceArn] }))).containerInstances?.[0]?.agentConnected ? true : undefined,
    { timeoutMs: 30_000 });
    const ran = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: "web:3", startedBy: "after-copy" }));
    assert.deepEqual(ran.failures, []);
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: "api-2", taskDefinition: "web:3", desiredCount: 1 }));
    await until("the new task and the new service's task RUNNING", async () => {
      const service = (await ecs.send(new DescribeServicesCommand({ cluster, services: ["api-2"] }))).services?.[0];
      const task = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [ran.tasks![0]!.taskArn!] }))).tasks?.[0];
      return service?.runningCount === 1 && task?.lastStatus === "RUNNING" ? true : undefined;
    });
  });

  it("refuses a second copy into the database that now holds the state, and changes nothing in it", async () => {
    await onPostgres!.kill();
    const before = await fingerprint(url);
    const again = await storeCopy(sqlite.dataDir, url);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /^berth: the database already holds Berth state: schema public \(us-east-1\) holds clusters, .*; schema region_eu_west_1 \(eu-west-1\) holds clusters/m);
    assert.deepEqual(await fingerprint(url), before);
  });
});

/** Each table of the database's Berth schemas and a digest of its rows: equal when nothing changed. */
async function fingerprint(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>("SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'region_eu_west_1') ORDER BY 1")).rows;
    const digests: Record<string, string> = {};
    for (const { name } of tables) {
      const { rows } = await client.query<{ d: string | null }>(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS d FROM ${name} t`);
      digests[name] = rows[0]?.d ?? "empty";
    }
    return digests;
  } finally {
    await client.end();
  }
}
