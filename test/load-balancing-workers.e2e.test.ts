import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { freeBlock } from "../src/agent/free-ports.testing.js";
import { BerthServer } from "./support/berth-server.js";
import { elbv2, first, get, TestTarget } from "./support/elbv2-cli.js";
import { steadyClient } from "./support/steady-client.js";
import { until } from "./support/until.js";

/** The server's listener workers: its child processes running lb/worker-main.js (Linux's /proc). */
function workerPids(serverPid: number): number[] {
  const children = readFileSync(`/proc/${serverPid}/task/${serverPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  return children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("worker-main.js");
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Issue 11: listeners served by `--lb-workers 2` worker processes survive a worker's crash and die with the server. */
describe("load balancer listener workers", () => {
  let server: BerthServer;
  let target: TestTarget;
  let port: number;

  before(async () => {
    server = await BerthServer.start(undefined, ["--lb-workers", "2"]);
    target = await TestTarget.start("one");
    port = await freeBlock(1);
    const lbArn = first(await elbv2(server, "create-load-balancer", "--name", "web"), "LoadBalancers", "LoadBalancerArn");
    const tgArn = first(
      await elbv2(server, "create-target-group", "--name", "tg", "--protocol", "HTTP", "--port", "80", "--target-type", "ip",
        "--health-check-path", "/health", "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "2", "--healthy-threshold-count", "2"),
      "TargetGroups",
      "TargetGroupArn",
    );
    await elbv2(server, "register-targets", "--target-group-arn", tgArn, "--targets", `Id=127.0.0.1,Port=${target.port}`);
    await elbv2(server, "create-listener", "--load-balancer-arn", lbArn, "--protocol", "HTTP", "--port", String(port), "--default-actions", `Type=forward,TargetGroupArn=${tgArn}`);
    await until("the listener answering from its target", async () => ((await get(port, "/").catch(() => undefined))?.body === "one" ? true : undefined), { timeoutMs: 30_000, everyMs: 200 });
  });
  after(async () => {
    await server.stop();
    await target.close();
  });

  it("serves the listener from 2 worker processes, not the server's", () => {
    assert.equal(workerPids(server.pid!).length, 2);
  });

  it("keeps requests flowing while a worker is killed, and starts another in its place", async () => {
    const [victim, survivor] = workerPids(server.pid!);
    const client = steadyClient(port);
    await until("the client getting answers", () => (client.ok > 20 ? true : undefined));
    process.kill(victim!, "SIGKILL");
    const replaced = await until("a new worker in the killed one's place", () => {
      const now = workerPids(server.pid!);
      return now.length === 2 && !now.includes(victim!) && now.includes(survivor!) ? now : undefined;
    }, { timeoutMs: 30_000, everyMs: 100 });
    const okAtRestart = client.ok;
    await until("more answers after the restart", () => (client.ok > okAtRestart + 50 ? true : undefined), { timeoutMs: 30_000 });
    const outcome = await client.stop();
    // Only the keep-alive connections the killed worker held can have lost a request: one each at most.
    assert.ok(outcome.failures.length <= 4, `failures: ${outcome.failures.join("; ")}`);
    assert.equal(replaced.length, 2);

    // Afterwards, new connections (spread over both workers by the kernel) see no failure at all.
    const after = steadyClient(port, { connections: 8, everyMs: 5 });
    await until("answers from the workers as they are now", () => (after.ok > 200 ? true : undefined), { timeoutMs: 30_000 });
    assert.deepEqual((await after.stop()).failures, []);
  });

  it("ends its workers when the server is killed (no orphans)", async () => {
    const pids = workerPids(server.pid!);
    assert.equal(pids.length, 2);
    await server.kill("SIGKILL");
    await until("the workers gone", () => (pids.every((p) => !existsSync(`/proc/${p}`) || readFileSync(`/proc/${p}/stat`, "utf8").split(" ")[2] === "Z") ? true : undefined), { timeoutMs: 10_000 });
  });
});
