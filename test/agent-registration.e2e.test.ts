import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { berthBin } from "./support/berth-server.js";
import { BerthCluster, sleep } from "./support/berth-cluster.js";
import { until } from "./support/until.js";

/** An agent started while its control plane is down waits for it, as the ECS agent does, instead of exiting. */
describe("agent: registration while the server is down", () => {
  let cluster: BerthCluster;
  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-register" });
  });
  after(() => cluster.stop());

  it("keeps retrying, then registers as the same instance once the server is back", async () => {
    const [agent] = cluster.agents;
    const before = agent!.containerInstanceArn;
    await agent!.kill();
    await cluster.server.kill();
    const starting = agent!.start();
    // A sleep, named: the failure is the agent exiting while the server is down; "still retrying" has
    // no signal outside the agent (its warnings go to an inherited stderr), so it gets 1.5 s to fail.
    await sleep(1_500);
    assert.ok(agent!.running, "the agent is still waiting, not gone");
    await cluster.server.restart();
    await starting;
    assert.equal(agent!.containerInstanceArn, before, "re-registered as the instance it was");
    await until("agentConnected again", async () => (await cluster.describeInstances([before]))[0]?.agentConnected || undefined, { timeoutMs: 15_000 });
  });

  it("stops at once, saying what to do, when its cluster does not exist", async () => {
    const { server } = cluster;
    const run = promisify(execFile);
    const failed = await run(process.execPath, [berthBin, "agent", "--cluster", "no-such-cluster", "--data-dir", mkdtempSync(join(tmpdir(), "berth-agent-"))], {
      env: { ...process.env, ECS_BACKEND_HOST: server.endpoint, AWS_ACCESS_KEY_ID: server.accessKey.accessKeyId, AWS_SECRET_ACCESS_KEY: server.accessKey.secretAccessKey },
      timeout: 20_000,
    }).then(
      () => assert.fail("the agent should have exited with an error"),
      (e: { code?: number; stderr?: string }) => e,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr ?? "", /^berth: could not register in cluster no-such-cluster: ClusterNotFoundException: .*aws ecs create-cluster --cluster-name no-such-cluster/m);
  });
});
