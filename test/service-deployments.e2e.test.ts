import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { describeService, serviceTasks } from "./support/services.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";

/**
 * Service deployments and revisions as resources (issue 20): a real server, SIMULATED agents (real
 * protocol, no containers), the SDK v3 for the operations the CLI 2.9 at /usr/bin/aws does not know
 * (it has no list-service-deployments), the CLI for the rolling update itself.
 */
describe("service deployments and revisions", () => {
  let server: BerthServer;
  const agents: SimulatedAgent[] = [];

  before(async () => {
    server = await BerthServer.start(undefined, ["--task-healthy-after", "1s"]);
  });
  after(async () => {
    agents.forEach((a) => a.stop());
    await server.stop();
  });

  /** A cluster with two simulated instances and the `web` family (1, 2: good; 3: fails to start) in `region`. */
  const setUp = async (ecs: ECSClient, cluster: string, region: string) => {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agents.push(...(await startSimulatedAgents(server, cluster, [{ cpu: 4096, memory: 8192 }, { cpu: 4096, memory: 8192 }], region)));
    for (const image of ["sim", "sim:v2"]) await ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image, memory: 64 }] }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "sim:broken", memory: 64, environment: [{ name: "BERTH_SIMULATED", value: "fail-to-start" }] }] }),
    );
  };
  const completed = (ecs: ECSClient, cluster: string, revision: number) =>
    until(`web on web:${revision} COMPLETED`, async () => {
      const s = await describeService(ecs, cluster, "web");
      const d = s.deployments ?? [];
      return d.length === 1 && d[0]?.rolloutState === "COMPLETED" && d[0]?.taskDefinition?.endsWith(`web:${revision}`) ? s : undefined;
    });
  const listed = async (ecs: ECSClient, cluster: string) => (await ecs.send(new ListServiceDeploymentsCommand({ cluster, service: "web" }))).serviceDeployments ?? [];

  it("a rolling update made with the AWS CLI is a service deployment from revision 1 to revision 2, kept once it succeeded", async () => {
    const ecs = server.ecs();
    await setUp(ecs, "history", "us-east-1");
    await ecs.send(new CreateServiceCommand({ cluster: "history", serviceName: "web", taskDefinition: "web:1", desiredCount: 2 }));
    await completed(ecs, "history", 1);
    const updated = await server.aws("ecs", "update-service", "--cluster", "history", "--service", "web", "--task-definition", "web:2");
    assert.equal(updated.code, 0, updated.stderr);
    await completed(ecs, "history", 2);

    const list = await until("both SUCCESSFUL", async () => {
      const l = await listed(ecs, "history");
      return l.length === 2 && l.every((d) => d.status === "SUCCESSFUL") ? l : undefined;
    });
    const [second, first] = list;
    assert.match(second!.serviceDeploymentArn ?? "", /^arn:aws:ecs:us-east-1:\d{12}:service-deployment\/history\/web\/\d{19}$/);
    assert.ok(second!.createdAt! >= first!.createdAt!, "newest first");
    assert.match(second!.targetServiceRevisionArn ?? "", /^arn:aws:ecs:us-east-1:\d{12}:service-revision\/history\/web\/\d{19}$/);
    assert.ok(second!.finishedAt instanceof Date);

    const { serviceDeployments, failures } = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [second!.serviceDeploymentArn!, `${second!.serviceDeploymentArn!.slice(0, -3)}000`] }));
    const d = serviceDeployments?.[0];
    assert.equal(d?.status, "SUCCESSFUL");
    assert.deepEqual(d?.sourceServiceRevisions?.map((r) => r.arn), [first!.targetServiceRevisionArn]);
    assert.equal(d?.targetServiceRevision?.arn, second!.targetServiceRevisionArn);
    assert.equal(d?.targetServiceRevision?.runningTaskCount, 2);
    assert.deepEqual(d?.deploymentConfiguration, { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: false, rollback: false } });
    assert.deepEqual(d?.deploymentCircuitBreaker, { status: "DISABLED" });
    assert.deepEqual(failures?.map((f) => f.reason), ["MISSING"]);

    const revisions = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [first!.targetServiceRevisionArn!, second!.targetServiceRevisionArn!] }));
    assert.deepEqual(revisions.serviceRevisions?.map((r) => r.taskDefinition?.split("/").at(-1)), ["web:1", "web:2"]);
    assert.equal(revisions.serviceRevisions?.[0]?.launchType, "EC2");

    const inProgress = await ecs.send(new ListServiceDeploymentsCommand({ cluster: "history", service: "web", status: ["IN_PROGRESS"] }));
    assert.deepEqual(inProgress.serviceDeployments, []);
    const newer = await ecs.send(new ListServiceDeploymentsCommand({ cluster: "history", service: "web", createdAt: { after: second!.createdAt } }));
    assert.deepEqual(newer.serviceDeployments?.map((x) => x.serviceDeploymentArn), [second!.serviceDeploymentArn]);
    const paged = await ecs.send(new ListServiceDeploymentsCommand({ cluster: "history", service: "web", maxResults: 1 }));
    assert.equal(paged.serviceDeployments?.length, 1);
    const rest = await ecs.send(new ListServiceDeploymentsCommand({ cluster: "history", service: "web", maxResults: 1, nextToken: paged.nextToken }));
    assert.deepEqual(rest.serviceDeployments?.map((x) => x.serviceDeploymentArn), [first!.serviceDeploymentArn]);
    assert.equal(rest.nextToken, undefined);

    await assert.rejects(ecs.send(new ListServiceDeploymentsCommand({ cluster: "history", service: "nope" })), { name: "ServiceNotFoundException" });
    await assert.rejects(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: second!.serviceDeploymentArn, stopType: "ROLLBACK" })), {
      name: "ConflictException",
      message: /SUCCESSFUL: only a PENDING or IN_PROGRESS service deployment can be stopped/,
    });
    await assert.rejects(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: `${second!.serviceDeploymentArn!.slice(0, -3)}000` })), {
      name: "ServiceDeploymentNotFoundException",
    });
    await assert.rejects(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: "web" })), { name: "InvalidParameterException" });
    assert.equal((await describeService(ecs, "history", "web")).deployments?.length, 1, "the refusals changed nothing");
  });

  it("in eu-west-1: StopServiceDeployment rolls a stuck deployment back to the source revision; ARNs name eu-west-1", async () => {
    const region = "eu-west-1";
    const ecs = server.ecs({ region });
    await setUp(ecs, "rollback", region);
    await ecs.send(new CreateServiceCommand({ cluster: "rollback", serviceName: "web", taskDefinition: "web:1", desiredCount: 2 }));
    await completed(ecs, "rollback", 1);
    const updated = await server.aws("--region", region, "ecs", "update-service", "--cluster", "rollback", "--service", "web", "--task-definition", "web:3");
    assert.equal(updated.code, 0, updated.stderr);
    const stuck = await until("web:3's deployment IN_PROGRESS", async () => (await listed(ecs, "rollback")).find((d) => d.status === "IN_PROGRESS"));
    assert.match(stuck.serviceDeploymentArn ?? "", /^arn:aws:ecs:eu-west-1:\d{12}:service-deployment\/rollback\/web\//);
    assert.deepEqual(
      (await server.ecs().send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [stuck.serviceDeploymentArn!] }))).failures?.map((f) => f.reason),
      ["MISSING"],
      "us-east-1 does not see eu-west-1's service deployments",
    );

    const stopped = await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: stuck.serviceDeploymentArn, stopType: "ROLLBACK" }));
    assert.equal(stopped.serviceDeploymentArn, stuck.serviceDeploymentArn);
    const done = await until("ROLLBACK_SUCCESSFUL", async () => {
      const [d] = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [stuck.serviceDeploymentArn!] }))).serviceDeployments ?? [];
      return d?.status === "ROLLBACK_SUCCESSFUL" ? d : undefined;
    });
    const [source] = done.sourceServiceRevisions ?? [];
    assert.equal(done.rollback?.serviceRevisionArn, source?.arn);
    assert.equal(done.rollback?.reason, "Rollback requested by StopServiceDeployment.");
    const [revision] = (await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [done.rollback?.serviceRevisionArn ?? ""] }))).serviceRevisions ?? [];
    assert.match(revision?.taskDefinition ?? "", /^arn:aws:ecs:eu-west-1:\d{12}:task-definition\/web:1$/);
    await completed(ecs, "rollback", 1);
    const tasks = await serviceTasks(ecs, "rollback", "web");
    assert.equal(tasks.length, 2);
    assert.ok(tasks.every((t) => t.taskDefinitionArn?.endsWith("web:1")));
    const events = (await describeService(ecs, "rollback", "web")).events?.map((e) => e.message) ?? [];
    assert.ok(events.some((m) => m?.includes("rollback requested by StopServiceDeployment")), events.join("\n"));
  });
});
