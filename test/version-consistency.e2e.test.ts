import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateServiceCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition, testImage } from "./support/fixtures.js";
import { RegistryTools } from "./support/registry-tools.js";
import { until } from "./support/until.js";

/**
 * ECS's version consistency on real Docker and Berth's registry: a service revision pins the
 * manifest its tag named when the deployment started (read from Berth's registry), so a tag pushed
 * again reaches the service only through a new deployment. The test pushes two images as one tag,
 * each telling its version in its environment.
 */
describe("version consistency: a service's tasks run the image its deployment started with", () => {
  let cluster: BerthCluster;
  let tools: RegistryTools;
  let image = "";
  let taskDefinition = "";
  const digests: string[] = [];

  /** Pushes `berth-test` as `image`, with BERTH_VERSION=`version` in its environment; returns the manifest digest. */
  async function pushVersion(version: number): Promise<string> {
    const created = await tools.docker(["create", testImage]);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    const commit = await tools.docker(["commit", "--change", `ENV BERTH_VERSION=${version}`, id, tools.track(image)]);
    await tools.docker(["rm", id]);
    assert.equal(commit.code, 0, commit.stderr);
    const push = await tools.docker(["push", image]);
    assert.equal(push.code, 0, push.stderr);
    return /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)![1]!;
  }

  before(async () => {
    cluster = await BerthCluster.start({ name: "versions", serverArgs: ["--task-healthy-after", "1s"] });
    tools = new RegistryTools(cluster.server);
    assert.equal((await cluster.server.aws("ecr", "create-repository", "--repository-name", "versioned")).code, 0);
    assert.equal((await tools.login()).code, 0);
    image = `${tools.host}/versioned:live`;
    digests.push(await pushVersion(1));
    const sleeper = { image, memory: 32, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] };
    taskDefinition = await cluster.register(
      aTaskDefinition("versioned", [aContainer({ name: "app", ...sleeper }), aContainer({ name: "edge", ...sleeper, versionConsistency: "disabled" })]),
    );
  });

  after(async () => {
    await cluster.stop();
    await tools.cleanUp();
  });

  const tasksOf = async (): Promise<Task[]> => {
    const arns = (await cluster.ecs.send(new ListTasksCommand({ cluster: cluster.name, serviceName: "web" }))).taskArns ?? [];
    return arns.length === 0 ? [] : ((await cluster.ecs.send(new DescribeTasksCommand({ cluster: cluster.name, tasks: arns }))).tasks ?? []);
  };
  const digestOf = (t: Task, name: string) => t.containers?.find((c) => c.name === name)?.imageDigest;
  /** BERTH_VERSION in a container's environment, as Docker runs it. */
  const versionIn = async (t: Task, name: string): Promise<string | undefined> => {
    const id = t.containers?.find((c) => c.name === name)?.runtimeId ?? "";
    const env = await tools.docker(["inspect", "--format", "{{json .Config.Env}}", id]);
    return (JSON.parse(env.stdout) as string[]).find((e) => e.startsWith("BERTH_VERSION="))?.slice("BERTH_VERSION=".length);
  };
  const running = (n: number, deploymentId?: string) =>
    until(`${n} tasks RUNNING`, async () => {
      const tasks = (await tasksOf()).filter((t) => t.lastStatus === "RUNNING" && (deploymentId === undefined || t.startedBy === deploymentId));
      return tasks.length === n ? tasks : undefined;
    }, { timeoutMs: 60_000 });
  /** The container images of the service deployment's target revision, once pinned. */
  const pinnedImages = (deploymentArnIndex: number) =>
    until("the revision's container images", async () => {
      const deployments = (await cluster.ecs.send(new ListServiceDeploymentsCommand({ cluster: cluster.name, service: "web" }))).serviceDeployments ?? [];
      const target = deployments[deploymentArnIndex]?.targetServiceRevisionArn;
      if (target === undefined) return undefined;
      const [revision] = (await cluster.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [target] }))).serviceRevisions ?? [];
      return (revision?.containerImages ?? []).length > 0 ? revision!.containerImages : undefined;
    }, { timeoutMs: 30_000 });

  it("a scale-out after the tag was pushed again runs the deployment's manifest; a container with versionConsistency disabled runs the tag", async () => {
    await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "web", taskDefinition, desiredCount: 1 }));
    const [first] = await running(1);
    assert.equal(digestOf(first!, "app"), digests[0], "the agent reports the manifest digest it pulled");
    assert.deepEqual(await pinnedImages(0), [{ containerName: "app", image, imageDigest: digests[0] }], "the revision pins app's image, not edge's");

    digests.push(await pushVersion(2));
    await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "web", desiredCount: 3 }));
    const tasks = await running(3);
    const added = tasks.filter((t) => t.taskArn !== first!.taskArn);
    for (const t of tasks) {
      assert.equal(digestOf(t, "app"), digests[0], `${t.taskArn}: app runs the revision's manifest`);
      assert.equal(await versionIn(t, "app"), "1");
      assert.equal(t.containers?.find((c) => c.name === "app")?.image, image, "DescribeTasks shows the image as the definition names it");
    }
    for (const t of added) {
      assert.equal(digestOf(t, "edge"), digests[1], `${t.taskArn}: edge, not pinned, runs what the tag names now`);
      assert.equal(await versionIn(t, "edge"), "2");
    }
  });

  it("a new deployment takes what the tag names when it starts, and pins that", async () => {
    const before = (await cluster.ecs.send(new DescribeServicesCommand({ cluster: cluster.name, services: ["web"] }))).services![0]!;
    await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "web", forceNewDeployment: true }));
    const deploymentId = await until("the new deployment", async () => {
      const s = (await cluster.ecs.send(new DescribeServicesCommand({ cluster: cluster.name, services: ["web"] }))).services![0]!;
      return s.deployments?.find((d) => d.status === "PRIMARY" && d.id !== before.deployments?.[0]?.id)?.id;
    }, { timeoutMs: 10_000 });
    const tasks = await running(3, deploymentId);
    for (const t of tasks) {
      assert.equal(digestOf(t, "app"), digests[1]);
      assert.equal(await versionIn(t, "app"), "2");
    }
    assert.deepEqual(await pinnedImages(0), [{ containerName: "app", image, imageDigest: digests[1] }]);
  });
});
