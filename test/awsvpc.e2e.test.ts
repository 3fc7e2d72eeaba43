import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aLocalhostPair, anOpenWebGroup, aTestSubnet, eniDetail as detail, stopAwsvpcCluster, testPauseAgentEnv } from "./support/awsvpc-tasks.js";
import { aContainer } from "./support/fixtures.js";
import { refusal } from "./support/refusal.js";
import { until } from "./support/until.js";

const lines = (s: string): string[] => s.split("\n").filter((l) => l !== "");

/**
 * awsvpc on an EC2 container instance: each task its own network namespace (a pause container) on
 * the Docker network standing for its subnet, with its own address; its containers share it.
 */
describe("awsvpc network mode on a real agent", () => {
  let cluster: BerthCluster;
  const { subnet, network } = aTestSubnet();
  let group = "";
  let awsvpc = { awsvpcConfiguration: { subnets: [subnet], securityGroups: [] as string[], assignPublicIp: "DISABLED" as const } };
  let family = "";

  before(async () => {
    cluster = await BerthCluster.start({ name: "awsvpc", agentEnv: testPauseAgentEnv });
    // The tasks' group lets anyone in on port 80: the test reaches them from the host.
    group = await anOpenWebGroup(cluster.server);
    awsvpc = { awsvpcConfiguration: { subnets: [subnet], securityGroups: [group], assignPublicIp: "DISABLED" } };
    family = await cluster.register(aLocalhostPair("awsvpc-pair"));
  });
  after(async () => {
    await stopAwsvpcCluster(cluster, network);
  });

  it("gives two tasks their own addresses; their containers talk over localhost; ports answer at the task's address, none on the host", async () => {
    // Both tasks serve port 80 on one host: awsvpc ports are the task's, not reserved host ports.
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family, count: 2, networkConfiguration: awsvpc }));
    assert.deepEqual(out.failures, []);
    const arns = out.tasks!.map((t) => t.taskArn!);
    assert.equal(out.tasks![0]!.attachments?.[0]?.status, "PRECREATED", "RunTask answers before the interface exists");
    const tasks = await cluster.waitForTasks(
      arns,
      (t) => t.lastStatus === "RUNNING" && t.containers!.find((c) => c.name === "client")?.lastStatus === "STOPPED",
      30_000,
      "both tasks RUNNING and their clients done",
    ).catch(async (e: unknown) => {
      throw new Error(`${String(e)}: ${JSON.stringify(await cluster.describeTasks(arns), null, 1)}`);
    });
    const ips = new Set<string>();
    for (const t of tasks) {
      assert.equal(t.containers!.find((c) => c.name === "client")!.exitCode, 0, "the client reached web on localhost");
      const eni = t.attachments![0]!;
      assert.equal(eni.type, "ElasticNetworkInterface");
      assert.equal(eni.status, "ATTACHED");
      assert.equal(detail(t, "subnetId"), subnet);
      assert.match(detail(t, "networkInterfaceId"), /^eni-[0-9a-f]{17}$/);
      assert.match(detail(t, "macAddress"), /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      const ip = detail(t, "privateIPv4Address");
      assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
      ips.add(ip);
      const web = t.containers!.find((c) => c.name === "web")!;
      assert.deepEqual(web.networkInterfaces, [{ attachmentId: eni.id, privateIpv4Address: ip }]);
      assert.deepEqual(web.networkBindings, [], "nothing published on the host");
      const res = await fetch(`http://${ip}:80/`, { signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /berth-test ok/);
    }
    assert.equal(ips.size, 2, "each task has an address of its own");
    // The agent's introspection API shows each container its task's address.
    const { body } = await cluster.agents[0]!.introspect("/v1/tasks");
    const listed = (body as { Tasks: Array<{ Arn: string; Containers: Array<{ Name: string; Networks?: Array<{ NetworkMode: string; IPv4Addresses: string[] }> }> }> }).Tasks;
    for (const t of tasks) {
      const web = listed.find((x) => x.Arn === t.taskArn)?.Containers.find((c) => c.Name === "web");
      assert.deepEqual(web?.Networks?.map((n) => [n.NetworkMode, n.IPv4Addresses]), [["awsvpc", [detail(t, "privateIPv4Address")]]]);
    }

    for (const arn of arns) await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    const stopped = await cluster.waitForTasks(arns, (t) => t.lastStatus === "STOPPED", 20_000, "both tasks STOPPED");
    for (const t of stopped) assert.equal(t.attachments![0]!.status, "DELETED");
    await until("the tasks' pause containers removed", async () => {
      const pauses = await Promise.all(arns.map((arn) => docker("ps", "-aq", "--filter", `label=berth.pause-of=${arn}`)));
      return pauses.every((p) => lines(p).length === 0) ? true : undefined;
    }, { timeoutMs: 15_000 });
    // The subnet's network stays for its next task (the agent removes it once idle, or when it stops: the last test).
    assert.equal(lines(await docker("network", "ls", "-q", "--filter", `name=^${network}$`)).length, 1);
  });

  it("refuses an awsvpc task without networkConfiguration, and networkConfiguration for a bridge task, as ECS does", async () => {
    const missing = await refusal(cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family })));
    assert.equal(missing.name, "InvalidParameterException");
    assert.equal(missing.message, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    const noSubnets = await refusal(cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family, networkConfiguration: { awsvpcConfiguration: { subnets: [] } } })));
    assert.equal(noSubnets.name, "InvalidParameterException");
    assert.match(noSubnets.message, /subnets can not be empty/);
    const badGroup = await refusal(
      cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: ["default"] } } })),
    );
    assert.equal(badGroup.name, "InvalidParameterException");
    assert.match(badGroup.message, /security group/);
    const bridge = await cluster.register({ family: "awsvpc-bridge", containerDefinitions: [aContainer()] });
    const wrongMode = await refusal(cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: bridge, networkConfiguration: awsvpc })));
    assert.equal(wrongMode.name, "InvalidParameterException");
    assert.equal(wrongMode.message, "Network Configuration is not valid for the given networkMode of this task definition.");
  });

  it("runs a service's awsvpc tasks with the service's networkConfiguration, which DescribeServices shows", async () => {
    const refused = await refusal(cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "no-network", taskDefinition: family, desiredCount: 1 })));
    assert.equal(refused.name, "InvalidParameterException");
    assert.equal(refused.message, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");

    const created = await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "pair", taskDefinition: family, desiredCount: 1, networkConfiguration: awsvpc }));
    assert.deepEqual(created.service?.networkConfiguration, { awsvpcConfiguration: { subnets: [subnet], securityGroups: [group], assignPublicIp: "DISABLED" } });
    const arn = await until("the service's task", async () => (await cluster.ecs.send(new ListTasksCommand({ cluster: cluster.name, serviceName: "pair" }))).taskArns?.[0], { timeoutMs: 15_000 });
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING" && t.attachments?.[0]?.status === "ATTACHED", 30_000, "the service's task RUNNING with its interface");
    assert.equal(detail(task!, "subnetId"), subnet);
    const res = await fetch(`http://${detail(task!, "privateIPv4Address")}:80/`, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    const described = await cluster.ecs.send(new DescribeServicesCommand({ cluster: cluster.name, services: ["pair"] }));
    assert.equal(described.services?.[0]?.networkConfiguration?.awsvpcConfiguration?.subnets?.[0], subnet);

    await cluster.ecs.send(new DeleteServiceCommand({ cluster: cluster.name, service: "pair", force: true }));
    await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 20_000, "the service's task STOPPED");
  });

  it("runs awsvpc tasks of one subnet back to back, each RUNNING; when the agent stops, the subnet's network and the pause containers started ahead go", async () => {
    const arns: string[] = [];
    for (let i = 0; i < 4; i++) {
      const run = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family, networkConfiguration: awsvpc }));
      const arn = run.tasks![0]!.taskArn!;
      arns.push(arn);
      const [t] = await cluster.waitForTasks([arn], (x) => x.lastStatus === "RUNNING" || x.lastStatus === "STOPPED", 30_000, `task ${i} RUNNING`);
      assert.equal(t!.lastStatus, "RUNNING", t!.stoppedReason);
      // Stopped at once: its teardown overlaps the next task's start on the same subnet network.
      await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    }
    await cluster.waitForTasks(arns, (t) => t.lastStatus === "STOPPED", 30_000, "the four tasks STOPPED");
    const instance = cluster.agents[0]!.containerInstanceArn;
    await cluster.agents[0]!.stop();
    assert.deepEqual(lines(await docker("ps", "-aq", "--filter", "label=berth.pause-pool", "--filter", `label=berth.container-instance=${instance}`)), []);
    assert.deepEqual(lines(await docker("network", "ls", "-q", "--filter", `name=^${network}$`)), []);
  });
});
