import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ContainerRestartPolicy } from "@aws-sdk/client-ecs";
import { restartDecision } from "./restart-policy.js";
import { metadataContainer } from "./host-views.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerFiles } from "./container-files.js";
import { TaskManager } from "./task-manager.js";
import { aContainer, aTaskSpec, Host, startTask } from "./task-test-kit.js";

const at = (seconds: number) => ({ startedAtMs: 1_000_000, nowMs: 1_000_000 + seconds * 1000 });

describe("restartDecision: the ECS agent's answer to a container that exited", () => {
  const cases: Array<[string, ContainerRestartPolicy | undefined, { exitCode: number | undefined; startedAtMs: number | undefined; nowMs: number }, boolean | RegExp]> = [
    ["no policy", undefined, { exitCode: 1, ...at(900) }, /not enabled/],
    ["a policy switched off", { enabled: false }, { exitCode: 1, ...at(900) }, /not enabled/],
    ["any exit code, after the default period of 300 s", { enabled: true }, { exitCode: 0, ...at(300) }, true],
    ["too early for the default period", { enabled: true }, { exitCode: 1, ...at(299) }, /less than its restartAttemptPeriod \(300 s\)/],
    ["the period given", { enabled: true, restartAttemptPeriod: 60 }, { exitCode: 137, ...at(60) }, true],
    ["an ignored exit code", { enabled: true, ignoredExitCodes: [0, 3], restartAttemptPeriod: 60 }, { exitCode: 3, ...at(900) }, /exit code 3 is to be ignored/],
    ["an exit code not ignored", { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 }, { exitCode: 2, ...at(900) }, true],
    ["no exit code known", { enabled: true }, { exitCode: undefined, ...at(900) }, /exit code is unknown/],
    ["no start known", { enabled: true }, { exitCode: 1, startedAtMs: undefined, nowMs: 5 }, /less than/],
  ];
  for (const [what, policy, exit, expected] of cases) {
    it(what, () => {
      const decision = restartDecision(policy, exit);
      if (expected === true) assert.deepEqual(decision, { restart: true });
      else assert.match(decision.restart ? "restarted" : decision.why, expected as RegExp);
    });
  }
});

describe("a container's restart policy through its task's actor", () => {
  const period = 60;
  const spec = aTaskSpec({ containers: [aContainer("app", { restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: period } })] });

  async function running() {
    const started = await startTask(spec);
    assert.equal(started.host.last().status, "RUNNING");
    return started;
  }

  it("starts the same container again in place: the task stays RUNNING, no report shows it stopped, the metadata counts the restart", async () => {
    const { host, actor, done } = await running();
    const reports = host.reports.length;
    host.clock.advance(period * 1000);
    host.docker.exit("app", 1);
    await host.settle(() => [actor]);
    done();
    assert.deepEqual(host.calls("start"), ["app", "app"], "one container, started twice");
    assert.equal(host.docker.stateOf("app"), "running");
    assert.ok(host.reports.slice(reports).every((r) => r.status === "RUNNING" && r.containers[0]?.status === "RUNNING"), JSON.stringify(host.reports.slice(reports)));
    assert.equal(metadataContainer(actor, actor.containers.get("app")!).RestartCount, 1);
  });

  it("lets the task stop when the container exits before its period, or with an ignored exit code", async () => {
    for (const [advanceMs, exitCode] of [[period * 1000 - 1, 1], [period * 1000, 0]] as const) {
      const { host, actor, done } = await running();
      host.clock.advance(advanceMs);
      host.docker.exit("app", exitCode);
      await host.settle(() => [actor]);
      done();
      assert.deepEqual(host.calls("start"), ["app"]);
      assert.equal(host.last().status, "STOPPED");
      assert.equal(host.last().reason, "Essential container in task exited");
    }
  });

  it("never restarts a container the task is stopping", async () => {
    const { host, actor, done } = await running();
    host.clock.advance(period * 1000);
    actor.desire({ ...spec, desiredStatus: "STOPPED" });
    await host.settle(() => [actor]);
    done();
    assert.deepEqual(host.calls("start"), ["app"]);
    assert.equal(host.last().status, "STOPPED");
  });

  it("the restart count survives an agent restart: the agent comes back and the metadata still counts the container's restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-restarts-"));
    const host = new Host();
    const restartCounts = new ContainerFiles(dir);
    const agent = () => new TaskManager({ ...host.deps({ restartCounts }), cleanupWaitMs: 3_600_000 });
    try {
      const first = agent();
      first.watchDocker();
      first.apply([spec], true);
      await host.settle(() => [...first.actors.values()]);
      for (let i = 0; i < 2; i++) {
        host.clock.advance(period * 1000);
        host.docker.exit("app", 1);
        await host.settle(() => [...first.actors.values()]);
      }
      first.stop();
      const second = agent();
      await second.adopt();
      second.apply([{ ...spec, created: true }], true);
      await host.settle(() => [...second.actors.values()]);
      const actor = second.actors.get(spec.taskArn)!;
      assert.equal(metadataContainer(actor, actor.containers.get("app")!).RestartCount, 2);
      second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
