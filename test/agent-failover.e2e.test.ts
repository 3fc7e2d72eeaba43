import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { BerthCluster } from "./support/berth-cluster.js";
import { killableProxy } from "./support/killable-proxy.js";
import { until } from "./support/until.js";

/**
 * Acceptance (control plane replicas): an agent given several endpoints (ECS_BACKEND_HOST=a,b)
 * registers and keeps its channel through whichever is alive. The replicas here are one real
 * `berth server` behind TCP proxies the test kills as `kill -9` kills a replica.
 */
describe("agent: failover between control plane endpoints", () => {
  let cluster: BerthCluster;
  const kills: Array<() => Promise<void>> = [];
  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-failover", agents: 0 });
  });
  after(async () => {
    for (const kill of kills) await kill();
    await cluster.stop();
  });

  const connected = async (arn: string): Promise<boolean | undefined> => (await cluster.describeInstances([arn]))[0]?.agentConnected;
  const server = (): { host: string; port: number } => {
    const url = new URL(cluster.server.endpoint);
    return { host: url.hostname, port: Number(url.port) };
  };

  it("registers and connects through the second endpoint when the first refuses connections", { timeout: 60_000 }, async () => {
    const closed = await closedPort();
    const started = Date.now();
    const agent = await cluster.addAgent({ ECS_BACKEND_HOST: `http://127.0.0.1:${closed},${cluster.server.endpoint}` });
    await until("agentConnected", async () => (await connected(agent.containerInstanceArn)) || undefined, { timeoutMs: 15_000 });
    assert.ok(Date.now() - started < 15_000, `registered and connected after ${Date.now() - started} ms`);
  });

  it("reconnects through endpoint B within seconds when endpoint A, the one it is connected to, dies", { timeout: 60_000 }, async () => {
    const a = await killableProxy(server());
    const b = await killableProxy(server());
    kills.push(a.kill, b.kill);
    const agent = await cluster.addAgent({ ECS_BACKEND_HOST: `${a.url},${b.url}` });
    await until("agentConnected through a", async () => (a.upgrades.length > 0 && (await connected(agent.containerInstanceArn))) || undefined, { timeoutMs: 15_000 });
    assert.equal(b.upgrades.length, 0, "nothing went to b while a was alive");

    const killedAt = Date.now();
    await a.kill();
    await until("the channel through b", () => b.upgrades[0], { timeoutMs: 15_000, everyMs: 50 });
    await until("agentConnected again", async () => (await connected(agent.containerInstanceArn)) || undefined, { timeoutMs: 15_000, everyMs: 100 });
    const took = Date.now() - killedAt;
    // The bound is 15 s; an agent that moves on at once takes well under a second.
    assert.ok(took < 5_000, `reconnected through b ${took} ms after a died`);
    assert.equal(agent.running, true);
  });
});

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
