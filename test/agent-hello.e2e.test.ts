import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Task } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { helloServer } from "./support/fixtures.js";

/**
 * Acceptance: hello-server (test/fixtures/basic-task.json on the local test image) run three times
 * with the real AWS CLI on a real agent; its ports, the agent's introspection API and the task
 * metadata endpoint as a container sees it.
 */
describe("agent: hello-server on one real agent", () => {
  let cluster: BerthCluster;
  let tasks: Task[];

  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-hello" });
    const file = join(cluster.agents[0]!.dataDir, "hello-server.json");
    writeFileSync(file, JSON.stringify(helloServer()));
    const registered = await cluster.server.aws("ecs", "register-task-definition", "--cli-input-json", `file://${file}`);
    assert.equal(registered.code, 0, registered.stderr);
  });
  after(() => cluster.stop());

  it("runs three tasks with `aws ecs run-task --count 3`: all RUNNING, each on its own dynamic host port", async () => {
    const r = await cluster.server.aws("ecs", "run-task", "--cluster", cluster.name, "--task-definition", "hello-server", "--count", "3");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { tasks: Array<{ taskArn: string; lastStatus: string }>; failures: unknown[] };
    assert.equal(out.tasks.length, 3);
    assert.deepEqual(out.failures, []);
    tasks = await cluster.waitForTasks(out.tasks.map((t) => t.taskArn), (t) => t.lastStatus === "RUNNING", 30_000, "three tasks RUNNING");
    const bindings = tasks.map((t) => {
      assert.equal(t.containers?.length, 1);
      const c = t.containers[0]!;
      assert.equal(c.lastStatus, "RUNNING");
      assert.match(c.runtimeId ?? "", /^[0-9a-f]{64}$/);
      assert.equal(c.networkBindings?.length, 1, "one binding for port 80");
      return c.networkBindings[0]!;
    });
    for (const b of bindings) {
      assert.equal(b.containerPort, 80);
      assert.equal(b.protocol, "tcp");
      assert.ok(b.hostPort! >= 20_000 && b.hostPort! < 32_768, `host port ${b.hostPort} comes from the agent's dynamic range`);
    }
    assert.equal(new Set(bindings.map((b) => b.hostPort)).size, 3, "three distinct host ports");
    for (const t of tasks) {
      assert.equal(t.desiredStatus, "RUNNING");
      assert.ok(t.startedAt instanceof Date);
      assert.equal(t.containerInstanceArn, cluster.agents[0]!.containerInstanceArn);
    }
  });

  it("answers HTTP on each host port on 127.0.0.1", async () => {
    for (const t of tasks) {
      const port = t.containers![0]!.networkBindings![0]!.hostPort!;
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /berth-test ok/);
    }
  });

  it("serves /v1/metadata on the introspection port", async () => {
    const agent = cluster.agents[0]!;
    const { status, body } = await agent.introspect("/v1/metadata");
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body as object).sort(), ["Cluster", "ContainerInstanceArn", "Version"]);
    const m = body as { Cluster: string; ContainerInstanceArn: string; Version: string };
    assert.equal(m.Cluster, cluster.name);
    assert.equal(m.ContainerInstanceArn, agent.containerInstanceArn);
    assert.match(m.Version, /^Amazon ECS Agent - v\d+\.\d+\.\d+ \(.+\)$/);
  });

  it("serves /v1/tasks with the ECS agent's TaskResponse shape", async () => {
    const { status, body } = await cluster.agents[0]!.introspect("/v1/tasks");
    assert.equal(status, 200);
    const listed = (body as { Tasks: IntrospectedTask[] }).Tasks;
    assert.deepEqual(listed.map((t) => t.Arn).sort(), tasks.map((t) => t.taskArn).sort());
    for (const t of listed) {
      const described = tasks.find((x) => x.taskArn === t.Arn)!.containers![0]!;
      assert.equal(t.DesiredStatus, "RUNNING");
      assert.equal(t.KnownStatus, "RUNNING");
      assert.equal(t.Family, "hello-server");
      assert.equal(t.Version, "1");
      assert.equal(t.Containers.length, 1);
      const c = t.Containers[0]!;
      assert.equal(c.DockerId, described.runtimeId);
      assert.match(c.DockerName, /^ecs-hello-server-1-hello-server-[0-9a-f]{20}$/);
      assert.equal(c.Name, "hello-server");
      assert.equal(c.Image, "berth-test:latest");
      assert.match(c.ImageID, /^sha256:[0-9a-f]{64}$/);
      assert.ok(!Number.isNaN(Date.parse(c.StartedAt ?? "")));
      assert.deepEqual(c.Ports, [{ ContainerPort: 80, Protocol: "tcp", HostPort: described.networkBindings![0]!.hostPort, HostIp: "0.0.0.0" }]);
    }
  });

  it("finds one task by ?taskarn= and by ?dockerid= with a 12-character prefix", async () => {
    const agent = cluster.agents[0]!;
    const task = tasks[1]!;
    const byArn = await agent.introspect(`/v1/tasks?taskarn=${encodeURIComponent(task.taskArn!)}`);
    assert.equal(byArn.status, 200);
    assert.equal((byArn.body as IntrospectedTask).Arn, task.taskArn);
    const shortId = task.containers![0]!.runtimeId!.slice(0, 12);
    const byId = await agent.introspect(`/v1/tasks?dockerid=${shortId}`);
    assert.equal(byId.status, 200);
    assert.equal((byId.body as IntrospectedTask).Arn, task.taskArn);
  });

  it("answers 404 for an unknown task or Docker id, and 400 for both parameters at once", async () => {
    const agent = cluster.agents[0]!;
    const unknownArn = tasks[0]!.taskArn!.replace(/[0-9a-f]{32}$/, "0".repeat(32));
    assert.equal((await agent.introspect(`/v1/tasks?taskarn=${encodeURIComponent(unknownArn)}`)).status, 404);
    assert.equal((await agent.introspect("/v1/tasks?dockerid=000000000000")).status, 404);
    const both = await agent.introspect(`/v1/tasks?taskarn=${encodeURIComponent(tasks[0]!.taskArn!)}&dockerid=${tasks[0]!.containers![0]!.runtimeId!}`);
    assert.equal(both.status, 400);
  });

  it("lets a container read its own task from $ECS_CONTAINER_METADATA_URI_V4/task", async () => {
    const task = tasks[2]!;
    const id = task.containers![0]!.runtimeId!;
    const text = await docker("exec", id, "sh", "-c", 'wget -qO- "$ECS_CONTAINER_METADATA_URI_V4/task"');
    const metadata = JSON.parse(text) as { TaskARN: string; Cluster: string; Family: string; Revision: string; KnownStatus: string; Containers: Array<{ DockerId: string; Name: string }> };
    assert.equal(metadata.TaskARN, task.taskArn);
    assert.equal(metadata.Cluster, cluster.name);
    assert.equal(metadata.Family, "hello-server");
    assert.equal(metadata.Revision, "1");
    assert.equal(metadata.KnownStatus, "RUNNING");
    assert.deepEqual(metadata.Containers.map((c) => [c.Name, c.DockerId]), [["hello-server", id]]);
    const own = JSON.parse(await docker("exec", id, "sh", "-c", 'wget -qO- "$ECS_CONTAINER_METADATA_URI_V4"')) as { DockerId: string };
    assert.equal(own.DockerId, id, "the bare URI names the container itself");
  });
});

interface IntrospectedTask {
  Arn: string;
  DesiredStatus: string;
  KnownStatus: string;
  Family: string;
  Version: string;
  Containers: Array<{ DockerId: string; DockerName: string; Name: string; Image: string; ImageID: string; StartedAt?: string; Ports?: unknown[] }>;
}
