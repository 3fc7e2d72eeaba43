import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";

/** The error a refused SDK call rejects with, by name and message. */
async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await call;
  } catch (e) {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.$metadata?.httpStatusCode, 400);
    return { name: err.name ?? "", message: err.message ?? "" };
  }
  assert.fail("the call succeeded");
}

/**
 * The values an outside check found accepted (desiredCount 1e300, a 900 KB command override,
 * container memory 1e15), sent with the real AWS SDK v3 to a real server with an instance ready to
 * run tasks: each is refused with ECS's exception, and nothing is created or changed.
 */
describe("values beyond ECS's limits are refused and change nothing", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let agents: SimulatedAgent[] = [];

  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: "limits" }));
    agents = await startSimulatedAgents(server, "limits", [{ cpu: 4096, memory: 8192 }]);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "sim", memory: 64 }] }));
  });
  after(async () => {
    agents.forEach((a) => a.stop());
    await server.stop();
  });

  it("CreateService with desiredCount 1e300: SerializationException, no service", async () => {
    const e = await refusal(ecs.send(new CreateServiceCommand({ cluster: "limits", serviceName: "huge", taskDefinition: "web:1", desiredCount: 1e300 })));
    assert.equal(e.name, "SerializationException");
    assert.equal(e.message, "Expected an Integer (a whole number from -2147483648 to 2147483647) for 'desiredCount', but got 1e+300.");
    const listed = await ecs.send(new ListServicesCommand({ cluster: "limits" }));
    assert.deepEqual(listed.serviceArns, []);
  });

  it("CreateService above the 5000-task quota: InvalidParameterException; UpdateService likewise leaves the count as it was", async () => {
    const e = await refusal(ecs.send(new CreateServiceCommand({ cluster: "limits", serviceName: "big", taskDefinition: "web:1", desiredCount: 5001 })));
    assert.equal(e.name, "InvalidParameterException");
    assert.match(e.message, /^Invalid desiredCount 5001: a service's desired count must be a whole number from 0 to 5000/);
    await ecs.send(new CreateServiceCommand({ cluster: "limits", serviceName: "small", taskDefinition: "web:1", desiredCount: 0 }));
    const update = await refusal(ecs.send(new UpdateServiceCommand({ cluster: "limits", service: "small", desiredCount: 2 ** 31 })));
    assert.equal(update.name, "SerializationException");
    const tooMany = await refusal(ecs.send(new UpdateServiceCommand({ cluster: "limits", service: "small", desiredCount: 5001 })));
    assert.equal(tooMany.name, "InvalidParameterException");
    const daemon = await refusal(
      ecs.send(new CreateServiceCommand({ cluster: "limits", serviceName: "d", taskDefinition: "web:1", schedulingStrategy: "DAEMON", desiredCount: 1 })),
    );
    assert.equal(daemon.message, "The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again");
    const constraints = Array.from({ length: 11 }, () => ({ type: "memberOf" as const, expression: "attribute:ecs.os-type == linux" }));
    const placement = await refusal(ecs.send(new UpdateServiceCommand({ cluster: "limits", service: "small", placementConstraints: constraints })));
    assert.equal(placement.name, "InvalidParameterException");
    assert.match(placement.message, /At most 10 placement constraints/);
    const described = await ecs.send(new DescribeServicesCommand({ cluster: "limits", services: ["small", "big", "d"] }));
    assert.deepEqual(described.services?.[0]?.placementConstraints ?? [], []);
    assert.deepEqual(
      described.services?.map((s) => [s.serviceName, s.desiredCount, s.deployments?.length]),
      [["small", 0, 1]],
    );
    assert.deepEqual(described.failures?.map((f) => f.reason), ["MISSING", "MISSING"]);
  });

  it("RunTask with a 900 KB command override: InvalidParameterException in ECS's words, no task", async () => {
    const command = ["sh", "-c", "x".repeat(900_000)];
    const e = await refusal(ecs.send(new RunTaskCommand({ cluster: "limits", taskDefinition: "web:1", overrides: { containerOverrides: [{ name: "web", command }] } })));
    assert.equal(e.name, "InvalidParameterException");
    assert.match(e.message, /^Container Overrides length must be at most 8192\. These overrides are \d+ characters of JSON;/);
    for (const desiredStatus of ["RUNNING", "STOPPED"] as const) {
      const tasks = await ecs.send(new ListTasksCommand({ cluster: "limits", desiredStatus }));
      assert.deepEqual(tasks.taskArns, [], `${desiredStatus} tasks`);
    }
  });

  it("RunTask with overrides just under the limit runs", async () => {
    const padding = "x".repeat(8000);
    const out = await ecs.send(new RunTaskCommand({ cluster: "limits", taskDefinition: "web:1", overrides: { containerOverrides: [{ name: "web", command: [padding] }] } }));
    assert.equal(out.tasks?.length, 1, JSON.stringify(out.failures));
  });

  it("RegisterTaskDefinition with container memory 1e15: SerializationException, no new revision", async () => {
    const e = await refusal(
      ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "sim", memory: 1e15 }] })),
    );
    assert.equal(e.name, "SerializationException");
    assert.equal(e.message, "Expected an Integer (a whole number from -2147483648 to 2147483647) for 'containerDefinitions[0].memory', but got 1000000000000000.");
    const revisions = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "web" }));
    assert.equal(revisions.taskDefinitionArns?.length, 1);
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web" }));
    assert.equal(latest.taskDefinition?.revision, 1);
    assert.equal(latest.taskDefinition?.containerDefinitions?.[0]?.memory, 64);
  });
});
