import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { DescribeTasksCommand, ListContainerInstancesCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { docker } from "./support/berth-cluster.js";
import { awsCli } from "./support/berth-server.js";
import { BerthUp } from "./support/berth-up.js";
import { testImage } from "./support/fixtures.js";
import { until } from "./support/until.js";

const lines = (s: string): string[] => s.split("\n").filter((l) => l !== "");
const exec = promisify(execFile);

/** `berth up` makes its host managed capacity too: FARGATE tasks run with nothing else started. */
describe("berth up runs FARGATE tasks on the local host", () => {
  let up: BerthUp;
  let ecs: ECSClient;
  const subnet = `subnet-${randomBytes(4).toString("hex")}`;

  before(async () => {
    up = await BerthUp.start([], { BERTH_PAUSE_IMAGE: testImage, BERTH_PAUSE_COMMAND: "sleep 2147483647" });
    ecs = up.ecs();
    // The default group admits only its own members, as in a VPC: the test process is let in on port 80.
    const env = { ...process.env, AWS_SHARED_CREDENTIALS_FILE: up.credentialsFile, AWS_CONFIG_FILE: "/dev/null", AWS_PAGER: "" };
    const ec2 = (...args: string[]) => exec(awsCli, ["--endpoint-url", up.endpoint, "--region", "us-east-1", "--output", "json", "ec2", ...args], { env });
    const groups = JSON.parse((await ec2("describe-security-groups", "--group-names", "default")).stdout) as { SecurityGroups: { GroupId: string }[] };
    await ec2("authorize-security-group-ingress", "--group-id", groups.SecurityGroups[0]!.GroupId, "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0");
  });
  after(async () => {
    // Listed once berth up is gone, so that none is made after the listing.
    await up.stop();
    const pauses = lines(await docker("ps", "-aq", "--filter", "label=berth.pause-of"));
    const ours = [];
    for (const id of pauses) if ((await docker("inspect", "--format", "{{index .Config.Labels \"berth.pause-of\"}}", id)).includes(`/${up.cluster}/`)) ours.push(id);
    if (ours.length > 0) await docker("rm", "-f", ...ours).catch(() => "");
    // Pause containers started ahead and claimed by a task still running when its agent stopped carry no berth.pause-of label: found on the subnet's network.
    const onNetwork = lines(await docker("ps", "-aq", "--filter", `network=berth-${subnet}`));
    if (onNetwork.length > 0) await docker("rm", "-f", ...onNetwork).catch(() => "");
    const networks = lines(await docker("network", "ls", "-q", "--filter", `name=^berth-${subnet}$`));
    if (networks.length > 0) await docker("network", "rm", ...networks).catch(() => "");
  });

  it("says so in its banner, lists only the EC2 instance in the cluster, and runs a FARGATE task that answers at its own address", async () => {
    assert.match(up.stdout, /fargate: +this host is managed capacity too \(arn:aws:ecs:[^)]*\/berth\.fargate-pool\//);
    const instances = (await ecs.send(new ListContainerInstancesCommand({ cluster: up.cluster }))).containerInstanceArns ?? [];
    assert.equal(instances.length, 1, "the managed capacity is no container instance of the cluster");
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "up-fargate",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        containerDefinitions: [{ name: "web", image: testImage, essential: true, portMappings: [{ containerPort: 80 }] }],
      }),
    );
    const run = await until("the managed agent takes the task", async () => {
      const out = await ecs.send(
        new RunTaskCommand({ cluster: up.cluster, taskDefinition: "up-fargate", launchType: "FARGATE", networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }),
      );
      return out.tasks?.[0];
    }, { timeoutMs: 15_000 });
    const arn = run.taskArn!;
    const task = await until("the task RUNNING", async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ cluster: up.cluster, tasks: [arn] }))).tasks?.[0];
      return t?.lastStatus === "RUNNING" ? t : undefined;
    }, { timeoutMs: 30_000 });
    assert.equal(task.launchType, "FARGATE");
    const ip = (task).attachments?.[0]?.details?.find((d) => d.name === "privateIPv4Address")?.value ?? "";
    const res = await fetch(`http://${ip}:80/`, { signal: AbortSignal.timeout(5000) });
    assert.match(await res.text(), /berth-test ok/);
    await ecs.send(new StopTaskCommand({ cluster: up.cluster, task: arn }));
    await until("the task STOPPED", async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ cluster: up.cluster, tasks: [arn] }))).tasks?.[0];
      return t?.lastStatus === "STOPPED" ? t : undefined;
    }, { timeoutMs: 30_000 });
  });
});
