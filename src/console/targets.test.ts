import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Task } from "@aws-sdk/client-ecs";
import { targetRows, targetsOfTask } from "./targets.js";

const arn = (resource: string): string => `arn:aws:ecs:us-east-1:123456789012:${resource}`;
const instanceIds = new Map([
  [arn("container-instance/default/a1"), "i-0aaa"],
  [arn("container-instance/default/b2"), "i-0bbb"],
]);
const web = { containerName: "web", containerPort: 80 };

/** A bridge-mode task on an instance, its web:80 bound to `hostPort`. */
const bridged = (id: string, instance: string, hostPort: number): Task => ({
  taskArn: arn(`task/default/${id}`),
  containerInstanceArn: arn(`container-instance/default/${instance}`),
  containers: [
    { name: "sidecar", networkBindings: [{ containerPort: 80, hostPort: 40000, protocol: "tcp" }] },
    { name: "web", networkBindings: [{ containerPort: 80, hostPort, protocol: "tcp" }, { containerPort: 80, hostPort: hostPort + 1, protocol: "udp" }] },
  ],
});

describe("console target health rows", () => {
  it("a task stands behind its instance's EC2 id and the host port of the balanced container's port, never another container's or UDP's", () => {
    assert.deepEqual(targetsOfTask(bridged("t1", "a1", 32768), web, instanceIds), ["i-0aaa:32768"]);
    assert.deepEqual(targetsOfTask(bridged("t1", "zz", 32768), web, instanceIds), [], "an instance not described has no id");
    assert.deepEqual(targetsOfTask(bridged("t1", "a1", 32768), { containerName: "web", containerPort: 8080 }, instanceIds), []);
  });

  it("an awsvpc task stands behind its interface's address and the container port", () => {
    const task: Task = {
      taskArn: arn("task/default/t9"),
      attachments: [{ type: "ElasticNetworkInterface", details: [{ name: "subnetId", value: "subnet-1" }, { name: "privateIPv4Address", value: "10.99.0.7" }] }],
      containers: [{ name: "web", networkBindings: [] }],
    };
    assert.deepEqual(targetsOfTask(task, web, instanceIds), ["10.99.0.7:80"]);
  });

  it("DescribeTargetHealth's targets in target order, each named by its task, with ELB's state, reason and description as given", () => {
    const rows = targetRows(
      [
        { Target: { Id: "i-0bbb", Port: 32770 }, TargetHealth: { State: "unhealthy", Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [500]" } },
        { Target: { Id: "i-0aaa", Port: 32768 }, TargetHealth: { State: "healthy" } },
        { Target: { Id: "i-0ccc", Port: 8080 }, TargetHealth: { State: "draining", Reason: "Target.DeregistrationInProgress", Description: "Target deregistration is in progress" } },
      ],
      [bridged("t1", "a1", 32768), bridged("t2", "b2", 32770)],
      web,
      instanceIds,
    );
    assert.deepEqual(rows, [
      { target: "i-0aaa:32768", task: "t1", state: "healthy", reason: "", description: "" },
      { target: "i-0bbb:32770", task: "t2", state: "unhealthy", reason: "Target.ResponseCodeMismatch", description: "Health checks failed with these codes: [500]" },
      { target: "i-0ccc:8080", task: "", state: "draining", reason: "Target.DeregistrationInProgress", description: "Target deregistration is in progress" },
    ]);
  });
});
