import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthCluster } from "./support/berth-cluster.js";
import { elbv2 } from "./support/elbv2-cli.js";
import { until } from "./support/until.js";
import { aWebLoadBalancer, awsJson, registerWebOnDynamicPort, targetHealth, type TargetHealthDescription } from "./support/web-behind-lb.js";

/** The status of a GET through the listener, or undefined while nothing listens (the server restarting). */
function status(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode));
    });
    req.once("error", () => resolve(undefined));
    req.end();
  });
}

/**
 * Issue 11: target health survives a server restart. Healthy targets keep serving while their first
 * checks run (ELB's behaviour), instead of starting `initial` again and answering 503 until their
 * healthy threshold is met (here 10 checks 30 s apart: minutes).
 */
describe("target health across a server restart", () => {
  let cluster: BerthCluster;
  let port: number;
  let tgArn: string;
  const health = (): Promise<TargetHealthDescription[]> => targetHealth(cluster.server, tgArn);

  before(async () => {
    cluster = await BerthCluster.start({ name: "lb-restart", agents: 1, serverArgs: ["--task-healthy-after", "1s"] });
    port = await freeBlock(1);
    ({ tgArn } = await aWebLoadBalancer(cluster.server, port));
    await registerWebOnDynamicPort(cluster.server, "lb-restart");
    await awsJson(() => cluster.server)("ecs", "create-service", "--cluster", cluster.name, "--service-name", "web", "--task-definition", "lb-restart", "--desired-count", "2",
      "--load-balancers", `targetGroupArn=${tgArn},containerName=web,containerPort=80`);
    await until("2 healthy targets", async () => {
      const hs = await health();
      return hs.length === 2 && hs.every((h) => h.TargetHealth.State === "healthy") ? true : undefined;
    }, { timeoutMs: 60_000 });
  });
  after(() => cluster.stop());

  it("after a restart healthy targets serve at once, without a flap to initial", async () => {
    // Slow checks from now on: a target starting over would stay initial (and get no requests) for minutes.
    await elbv2(cluster.server, "modify-target-group", "--target-group-arn", tgArn, "--health-check-interval-seconds", "30", "--healthy-threshold-count", "10");
    assert.deepEqual((await health()).map((h) => h.TargetHealth.State), ["healthy", "healthy"]);
    await cluster.server.restart();
    const answered = await until("the listener open again", () => status(port), { timeoutMs: 30_000, everyMs: 50 });
    assert.equal(answered, 200, "the first request after the restart was not served");
    assert.deepEqual((await health()).map((h) => h.TargetHealth.State), ["healthy", "healthy"]);
    for (let i = 0; i < 10; i++) assert.equal(await status(port), 200);
  });
});
