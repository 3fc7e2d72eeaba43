import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateServiceCommand, DescribeClustersCommand } from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { startPostgres, type PostgresServer } from "./support/postgres-server.js";
import { describeService, serviceTasks } from "./support/services.js";
import { until } from "./support/until.js";

/** `berth server --store postgres://…` with real agents on Docker, driven with the AWS SDK. */
describe("a Berth server on PostgreSQL", { timeout: 180_000 }, () => {
  let pg: PostgresServer;
  let cluster: BerthCluster;
  before(async () => {
    pg = await startPostgres();
    await pg.createDatabase("berth");
    cluster = await BerthCluster.start({ name: "pg", agents: 2, serverArgs: ["--store", pg.url("berth")] });
  });
  after(async () => {
    await cluster?.stop();
    await pg?.stop();
  });

  it("runs a service of 10 tasks on the agents, and keeps its state in the database", async () => {
    const taskDefinition = await cluster.register({
      family: "pg-web",
      containerDefinitions: [{ name: "web", image: "berth-test:latest", memory: 32, command: ["sleep", "600"] }],
    });
    await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "web", taskDefinition, desiredCount: 10 }));
    await until("10 tasks RUNNING", async () => ((await describeService(cluster.ecs, cluster.name, "web")).runningCount === 10 ? true : undefined), { timeoutMs: 60_000 });
    const tasks = await serviceTasks(cluster.ecs, cluster.name, "web");
    assert.equal(tasks.filter((t) => t.lastStatus === "RUNNING").length, 10);
    assert.deepEqual(new Set(tasks.map((t) => t.containerInstanceArn)), new Set(cluster.agents.map((a) => a.containerInstanceArn)));
    const [described] = (await cluster.ecs.send(new DescribeClustersCommand({ clusters: [cluster.name], include: ["STATISTICS"] }))).clusters ?? [];
    assert.equal(described?.runningTasksCount, 10);
    assert.equal(described?.registeredContainerInstancesCount, 2);
    // The server restarts on the same database and finds everything where it was.
    await cluster.server.restart();
    const again = await describeService(cluster.server.ecs(), cluster.name, "web");
    assert.equal(again.desiredCount, 10);
    assert.equal((await serviceTasks(cluster.server.ecs(), cluster.name, "web")).length, 10);
  });
});
