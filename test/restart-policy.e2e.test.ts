import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, docker, inspect } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";

/**
 * A container's restart policy on a real agent and Docker. Bound to the clock: ECS's shortest
 * restartAttemptPeriod is 60 s, and a container restarts only after running that long.
 */
describe("container restart policy on real Docker", () => {
  let cluster: BerthCluster;

  before(async () => {
    cluster = await BerthCluster.start({ name: "restarts" });
  });
  after(() => cluster.stop());

  it("starts an exited container again in place, and the task stays RUNNING", async () => {
    const taskDefinition = await cluster.register(
      aTaskDefinition("restarts", [
        aContainer({ name: "app", command: ["sh", "-c", "sleep 61; exit 7"], restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 } }),
      ]),
    );
    const arn = (await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition }))).tasks![0]!.taskArn!;
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING", 20_000, "the task RUNNING");
    const id = task!.containers![0]!.runtimeId!;
    const firstStart = (await inspect(id)).State.StartedAt;

    const restartedAt = await until("the container started again after exiting 7", async () => {
      const state = (await inspect(id)).State;
      return state.Status === "running" && state.StartedAt !== firstStart ? state.StartedAt : undefined;
    }, { timeoutMs: 90_000, everyMs: 1000 });
    assert.ok(Date.parse(restartedAt) - Date.parse(firstStart) >= 61_000, `restarted at ${restartedAt}, first started ${firstStart}`);

    const [now] = await cluster.describeTasks([arn]);
    assert.equal(now?.lastStatus, "RUNNING");
    assert.equal(now?.containers?.[0]?.lastStatus, "RUNNING");
    assert.equal(now?.containers?.[0]?.runtimeId, id, "the same container, restarted in place");
    const metadata = JSON.parse(await docker("exec", id, "sh", "-c", 'wget -qO- "$ECS_CONTAINER_METADATA_URI_V4"')) as { RestartCount?: number };
    assert.equal(metadata.RestartCount, 1);

    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 20_000, "the task STOPPED");
  });
});
