import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateClusterCommand, DescribeContainerInstancesCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type ECSClient } from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";

import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";

describe("standalone tasks on an instance whose agent is lost", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let agent: SimulatedAgent;
  before(async () => {
    server = await BerthServer.start(undefined, ["--agent-lost-after", "2s"]);
    ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: "lost" }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "big", containerDefinitions: [{ name: "app", image: "sim", memory: 768 }] }));
    [agent] = (await startSimulatedAgents(server, "lost", [{ cpu: 1024, memory: 1024 }])) as [SimulatedAgent];
  });
  after(async () => {
    agent.stop();
    await server.stop();
  });

  const remainingMemory = async () => {
    const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster: "lost", containerInstances: [agent.containerInstanceArn] }));
    return out.containerInstances?.[0]?.remainingResources?.find((r) => r.name === "MEMORY")?.integerValue;
  };

  it("are STOPPED after the grace with a reason that says so, their resources free, and the returning agent stops them", async () => {
    const run = await ecs.send(new RunTaskCommand({ cluster: "lost", taskDefinition: "big" }));
    const taskArn = run.tasks?.[0]?.taskArn ?? "";
    await until("task RUNNING", async () => (await ecs.send(new DescribeTasksCommand({ cluster: "lost", tasks: [taskArn] }))).tasks?.[0]?.lastStatus === "RUNNING" || undefined);
    assert.equal(await remainingMemory(), 256);

    agent.stop();
    const stopped = await until("task STOPPED without its agent", async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ cluster: "lost", tasks: [taskArn] }))).tasks?.[0];
      return t?.lastStatus === "STOPPED" ? t : undefined;
    }, { timeoutMs: 15_000 });
    assert.equal(stopped.stopCode, "InfrastructureHealth");
    assert.equal(stopped.desiredStatus, "STOPPED");
    assert.match(stopped.stoppedReason ?? "", /agent of container instance \S+ was disconnected for more than 2 seconds; the task was presumed lost/);
    assert.equal(await remainingMemory(), 1024);

    await agent.connect();
    await until("the returning agent stops the lost task's containers", () => Promise.resolve(agent.runningTaskArns().length === 0 || undefined));
    // The freed memory is really free: a task of the same size is placed on the returned instance.
    const again = await ecs.send(new RunTaskCommand({ cluster: "lost", taskDefinition: "big" }));
    assert.deepEqual(again.failures, []);
    assert.equal(again.tasks?.[0]?.containerInstanceArn, agent.containerInstanceArn);
  });
});
