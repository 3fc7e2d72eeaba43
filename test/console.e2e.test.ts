import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { ApplicationAutoScalingClient, PutScheduledActionCommand, RegisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { chromium, type Browser, type Page } from "playwright-core";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { parseCredentialsFile, type AccessKey } from "../src/auth/credentials-file.js";
import { BerthUp } from "./support/berth-up.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/** Debian's Chromium, headless, on a machine whose network is closed: nothing it may call home for. */
const chromiumFlags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const lastPart = (arn: string | undefined): string => arn?.slice(arn.lastIndexOf("/") + 1) ?? "";

/**
 * The web console in a real browser against a real `berth up` (server, agent, Docker): it signs
 * its own requests with the keys typed at sign-in, shows what the SDK sees, and its actions do
 * what the SDK then reports.
 */
describe("the web console, in headless Chromium against berth up", () => {
  let up: BerthUp;
  let ecs: ECSClient;
  let key: AccessKey;
  let browser: Browser | undefined;
  let page: Page;
  const shots = mkdtempSync(join(tmpdir(), "berth-console-shots-"));
  const pageErrors: string[] = [];

  before(async () => {
    // Containers sampled and minutes written every 2 s, so that the service's CPU shows within seconds.
    up = await BerthUp.start(["--task-healthy-after", "0s", "--metrics-flush", "2s"], { ECS_POLLING_METRICS_WAIT_DURATION: "2s" });
    ecs = up.ecs();
    key = parseCredentialsFile(readFileSync(up.credentialsFile, "utf8"))!;
    // A fresh profile every run: launch() makes a temporary user-data-dir and removes it on close.
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumFlags, timeout: 20_000 });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await up?.stop();
    // BERTH_KEEP_CONSOLE_SHOTS=1 keeps the screenshot to look at.
    if (!process.env.BERTH_KEEP_CONSOLE_SHOTS) rmSync(shots, { recursive: true, force: true });
  });

  const goto = (hash: string): Promise<unknown> => page.goto(`${up.endpoint}/console/${hash}`);
  const signInWith = async (secretAccessKey: string): Promise<void> => {
    await goto("");
    await page.fill("input[name=accessKeyId]", key.accessKeyId);
    await page.fill("input[name=secretAccessKey]", secretAccessKey);
    await page.click("#sign-in button[type=submit]");
  };

  it("is named in berth up's banner, and a wrong secret key shows the API's own error at sign-in", async () => {
    assert.ok(up.stdout.includes(`${up.endpoint}/console`), up.stdout);
    const wrong = `${key.secretAccessKey.slice(0, -4)}XXXX`;
    const refused = await new ECSClient({ endpoint: up.endpoint, region: "us-east-1", credentials: { accessKeyId: key.accessKeyId, secretAccessKey: wrong }, ...testSdkRetry })
      .send(new ListClustersCommand({}))
      .then(() => assert.fail("a wrong secret key was accepted"), (err: unknown) => (err instanceof Error ? err : assert.fail(String(err))));
    await signInWith(wrong);
    const error = page.locator(".sign-in .error");
    await error.waitFor();
    assert.equal(await error.locator(".exception").textContent(), refused.name);
    assert.ok((await error.textContent())?.includes(refused.message), (await error.textContent()) ?? "");
  });

  it("signs in with the root key and shows the cluster and its container instance", async () => {
    await signInWith(key.secretAccessKey);
    const link = page.locator("table.clusters a", { hasText: up.cluster });
    await link.click();
    await page.locator(".tabs a", { hasText: "Container instances" }).click();
    const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster: up.cluster }));
    assert.ok(containerInstanceArns.length > 0);
    for (const arn of containerInstanceArns) {
      const row = page.locator("table.instances tr", { hasText: lastPart(arn) });
      await row.waitFor();
      assert.match((await row.textContent()) ?? "", /yes\s*ACTIVE/, "agent connected, ACTIVE");
    }
  });

  it("shows a service created with the SDK reach 2 running tasks, with its events, as the page refreshes itself", async () => {
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(aTaskDefinition("console-web", [aContainer({ name: "web" })])));
    await ecs.send(new CreateServiceCommand({ cluster: up.cluster, serviceName: "web", taskDefinition: taskDefinition!.taskDefinitionArn, desiredCount: 2 }));
    await goto(`#/clusters/${up.cluster}/services/web`);
    // No reload from here on: the page polls.
    await until("the page to show 2 running", async () => ((await page.locator(".running-count").textContent()) === "2" ? true : undefined), { timeoutMs: 30_000 });
    const events = (await ecs.send(new DescribeServicesCommand({ cluster: up.cluster, services: ["web"] }))).services![0]!.events ?? [];
    assert.ok(events.length > 0, "the service has events");
    await until("the service's latest event on the page", async () => ((await page.locator("ol.events").textContent())?.includes(events[0]!.message!) ? true : undefined));
    const shown = await page.locator("table.tasks tbody tr").count();
    assert.ok(shown >= 2, `${shown} task rows`);
  });

  it("shows a task definition's revision as DescribeTaskDefinition gives it", async () => {
    await goto("#/task-definitions");
    await page.locator("ul.families a", { hasText: "console-web" }).click();
    await page.locator("ul.revisions a", { hasText: "console-web:1" }).click();
    const json = (await page.locator("pre.json").textContent()) ?? "";
    assert.match(json, /"family": "console-web"/);
    assert.match(json, /"image": "berth-test:latest"/);
    await goto(`#/clusters/${up.cluster}/services/web`);
  });

  it("changes the desired count to 3, and the SDK sees it", async () => {
    await page.fill("#desired-count input[name=desiredCount]", "3");
    await page.click("#desired-count button[type=submit]");
    await page.locator(".notice", { hasText: "Desired count of web set to 3" }).waitFor();
    const s = (await ecs.send(new DescribeServicesCommand({ cluster: up.cluster, services: ["web"] }))).services![0]!;
    assert.equal(s.desiredCount, 3);
    await until("3 running on the page", async () => ((await page.locator(".running-count").textContent()) === "3" ? true : undefined), { timeoutMs: 30_000 });
    const shot = join(shots, "service.png");
    await page.screenshot({ path: shot, fullPage: true });
    process.stdout.write(`# console screenshot: ${shot}\n`);
  });

  it("shows a load-balanced service's targets with ELB's health and the task behind each, its CPU and memory, what auto scaling did and why, and a blue/green deployment's stage", async () => {
    const config = { endpoint: up.endpoint, region: "us-east-1", credentials: key, ...testSdkRetry };
    const elb = new ElasticLoadBalancingV2Client(config);
    const port = await freeBlock(1);
    const lbArn = (await elb.send(new CreateLoadBalancerCommand({ Name: "console-lb", Subnets: ["subnet-a"] }))).LoadBalancers![0]!.LoadBalancerArn!;
    const tgArn = (await elb.send(new CreateTargetGroupCommand({ Name: "console-tg", Protocol: "HTTP", Port: 80, VpcId: "vpc-1", HealthCheckPath: "/", HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2 })))
      .TargetGroups![0]!.TargetGroupArn!;
    // A blue/green service: its production rule forwards to both target groups (the alternate one at weight 0).
    const greenTg = (await elb.send(new CreateTargetGroupCommand({ Name: "console-tg-green", Protocol: "HTTP", Port: 80, VpcId: "vpc-1", HealthCheckPath: "/", HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2 })))
      .TargetGroups![0]!.TargetGroupArn!;
    const listener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: "HTTP", Port: port, DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }] }))).Listeners![0]!.ListenerArn!;
    const both = [{ TargetGroupArn: tgArn, Weight: 100 }, { TargetGroupArn: greenTg, Weight: 0 }];
    const rule = (await elb.send(new CreateRuleCommand({ ListenerArn: listener, Priority: 1, Conditions: [{ Field: "path-pattern", Values: ["/*"] }], Actions: [{ Type: "forward", ForwardConfig: { TargetGroups: both } }] }))).Rules![0]!.RuleArn!;
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(aTaskDefinition("console-lb-web", [aContainer({ name: "web", portMappings: [{ containerPort: 80, hostPort: 0 }] })])));
    await ecs.send(
      new CreateServiceCommand({
        cluster: up.cluster,
        serviceName: "lbweb",
        taskDefinition: taskDefinition!.taskDefinitionArn,
        desiredCount: 2,
        deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: 1 },
        loadBalancers: [{ targetGroupArn: tgArn, containerName: "web", containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: greenTg, productionListenerRule: rule, roleArn: "arn:aws:iam::000000000000:role/ecsInfrastructureRole" } }],
      }),
    );
    await goto(`#/clusters/${up.cluster}/services/lbweb`);

    // The targets as the page shows them, once both are healthy, are DescribeTargetHealth's, each named by one of the service's tasks.
    const rows = page.locator("table.targets tbody tr");
    const shown = await until("2 healthy targets on the page", async () => {
      const texts = await rows.allTextContents();
      return texts.length === 2 && texts.every((t) => t.includes("healthy") && !t.includes("unhealthy")) ? texts : undefined;
    }, { timeoutMs: 45_000 });
    const described = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions ?? [];
    const targets = described.map((d) => `${d.Target!.Id}:${d.Target!.Port}`).sort();
    assert.deepEqual(await rows.locator("td:nth-child(1)").allTextContents(), targets);
    const taskIds = ((await ecs.send(new ListTasksCommand({ cluster: up.cluster, serviceName: "lbweb" }))).taskArns ?? []).map(lastPart).sort();
    assert.deepEqual((await rows.locator("td:nth-child(2)").allTextContents()).sort(), taskIds, shown.join("\n"));

    // A one-time scheduled action a few seconds ahead raises the minimum to 3: the page shows the activity and its cause.
    const scaling = new ApplicationAutoScalingClient(config);
    const target = { ServiceNamespace: "ecs" as const, ResourceId: `service/${up.cluster}/lbweb`, ScalableDimension: "ecs:service:DesiredCount" as const };
    await scaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 4 }));
    const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    await scaling.send(new PutScheduledActionCommand({ ...target, ScheduledActionName: "rush", Schedule: `at(${at.toISOString().slice(0, 19)})`, ScalableTargetAction: { MinCapacity: 3 } }));
    const activity = page.locator("table.activities tbody tr", { hasText: "Setting min capacity to 3" });
    await activity.waitFor({ timeout: 30_000 });
    assert.match((await activity.textContent()) ?? "", /Successful.*scheduled action name rush was triggered/s);
    assert.match((await page.locator("dl.scaling").textContent()) ?? "", /3 to 4 tasks/);

    // CPU and memory: once CloudWatch has a datapoint of the service's CPU, the page shows a line and a latest value.
    const cloudwatch = new CloudWatchClient(config);
    await until("a CPUUtilization datapoint of the service", async () => {
      const r = await cloudwatch.send(new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 3_600_000),
        EndTime: new Date(),
        MetricDataQueries: [{ Id: "cpu", MetricStat: { Metric: { Namespace: "AWS/ECS", MetricName: "CPUUtilization", Dimensions: [{ Name: "ClusterName", Value: up.cluster }, { Name: "ServiceName", Value: "lbweb" }] }, Period: 60, Stat: "Average" } }],
      }));
      return (r.MetricDataResults?.[0]?.Values?.length ?? 0) > 0 || undefined;
    }, { timeoutMs: 40_000 });
    const cpu = page.locator("figure.chart[data-metric=CPU]");
    await until("the CPU chart drawn", async () => ((await cpu.locator("polyline").getAttribute("points")) ? true : undefined), { timeoutMs: 10_000 });
    assert.match((await cpu.locator(".latest").textContent()) ?? "", /^[0-9.]+ %$/);
    // A new deployment: green starts beside blue, and the page shows its lifecycle stage as DescribeServiceDeployments gives it.
    assert.equal(await page.locator("dd.strategy").textContent(), "BLUE_GREEN, bake 1 min");
    await ecs.send(new UpdateServiceCommand({ cluster: up.cluster, service: "lbweb", forceNewDeployment: true }));
    const primary = page.locator("table.deployments tbody tr", { hasText: "PRIMARY" });
    const stage = await until("the new deployment's stage on the page", async () => ((await primary.locator("td.stage").textContent({ timeout: 1000 }).catch(() => "")) || undefined), { timeoutMs: 15_000 });
    assert.match(stage, /^(SCALE_UP|PRODUCTION_TRAFFIC_SHIFT|BAKE_TIME)$/);
    assert.equal(await page.locator("main .error").count(), 0, "no part of the page failed to load");
    const shot = join(shots, "service-lb.png");
    await page.screenshot({ path: shot, fullPage: true });
    process.stdout.write(`# console screenshot: ${shot}\n`);
  });

  it("runs a task no instance has the memory for, and shows each failure's reason and detail as RunTask gives them", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(aTaskDefinition("console-huge", [aContainer({ name: "huge", memory: 4_000_000 })])));
    await goto(`#/clusters/${up.cluster}/tasks`);
    await page.fill("#run-task input[name=taskDefinition]", "console-huge");
    await page.fill("#run-task input[name=count]", "1");
    await page.click("#run-task button[type=submit]");
    const failures = page.locator(".notice table.failures");
    await failures.waitFor();
    const text = (await failures.textContent()) ?? "";
    assert.match(text, /RESOURCE:MEMORY/);
    const rows = await failures.locator("tbody tr").allTextContents();
    assert.ok(rows.length > 0 && rows.every((r) => r.includes("RESOURCE:MEMORY")), rows.join("\n"));
  });

  it("stops a task with a reason, and the SDK reports it STOPPED with that reason", async () => {
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: up.cluster, serviceName: "web" }));
    const id = lastPart(taskArns[0]);
    await goto(`#/clusters/${up.cluster}/tasks/${id}`);
    const instanceArn = (await ecs.send(new DescribeTasksCommand({ cluster: up.cluster, tasks: [id] }))).tasks![0]!.containerInstanceArn!;
    const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster: up.cluster, containerInstances: [instanceArn] }));
    await page.locator(".runs-on", { hasText: `${lastPart(instanceArn)} (${containerInstances[0]!.ec2InstanceId!})` }).waitFor();
    const reason = "stopped from the console by the e2e test";
    await page.fill("#stop-task input[name=reason]", reason);
    await page.click("#stop-task button[type=submit]");
    await page.locator(".notice", { hasText: `Task ${id} is stopping.` }).waitFor();
    const task = await until("the task STOPPED", async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ cluster: up.cluster, tasks: [id] }))).tasks?.[0];
      return t?.lastStatus === "STOPPED" ? t : undefined;
    }, { timeoutMs: 20_000 });
    assert.equal(task.stoppedReason, reason);
    await page.locator(".why .stopped-reason", { hasText: reason }).waitFor();
  });

  it("ran without a script error or a Content-Security-Policy violation in the page", () => {
    // The wrong key's refusal is logged by the browser as a failed resource load: that one is expected.
    assert.deepEqual(pageErrors.filter((e) => !/Failed to load resource: the server responded with a status of (400|403)/.test(e)), []);
  });
});
