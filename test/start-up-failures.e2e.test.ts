import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListContainerInstancesCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, freePort } from "./support/berth-cluster.js";
import { BerthServer } from "./support/berth-server.js";
import { BerthProcess, holdPort } from "./support/berth-process.js";

const tempDir = (): string => mkdtempSync(join(tmpdir(), "berth-startup-"));

/**
 * Asserts the command exited 1 at once, having printed exactly one line to stderr matching `line`.
 * "At once": within 5 s, against retries that would go on for ever (start-up alone, loading the
 * SDK's clients, takes about 1 s of CPU, 2 s and more on a loaded machine).
 */
async function assertRefusedStart(cmd: BerthProcess, line: RegExp): Promise<void> {
  const { code, afterMs } = await cmd.exited;
  assert.equal(code, 1, `exit code; stderr: ${cmd.stderr}`);
  assert.ok(afterMs < 5000, `exited after ${Math.round(afterMs)} ms`);
  const lines = cmd.stderr.split("\n").filter(Boolean);
  assert.equal(lines.length, 1, `one line on stderr, got: ${cmd.stderr}`);
  assert.match(lines[0]!, line);
}

describe("a port in use stops each command at once, with one line naming the port and its setting", () => {
  let taken: Awaited<ReturnType<typeof holdPort>>;
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  before(async () => (taken = await holdPort()));
  after(async () => {
    await taken.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("berth server", async () => {
    const cmd = new BerthProcess(["server", "--port", String(taken.port), "--data-dir", dir()]);
    await assertRefusedStart(cmd, new RegExp(`^berth: cannot listen on 127\\.0\\.0\\.1:${taken.port} for the API: the port is already in use; choose another port with --port or BERTH_PORT$`));
  });

  it("berth up, its API port", async () => {
    const cmd = new BerthProcess(["up", "--port", String(taken.port), "--data-dir", dir()]);
    await assertRefusedStart(cmd, new RegExp(`^berth: cannot listen on 127\\.0\\.0\\.1:${taken.port} for the API: .*--port or BERTH_PORT$`));
  });

  it("berth up, its agent's introspection port", async () => {
    const d = dir();
    const cmd = new BerthProcess(["up", "--port", "0", "--data-dir", d], { BERTH_INTROSPECTION_PORT: String(taken.port) });
    await assertRefusedStart(cmd, new RegExp(`^berth: cannot listen on 127\\.0\\.0\\.1:${taken.port} for the introspection API: .*BERTH_INTROSPECTION_PORT$`));
    assert.ok(!existsSync(join(d, "berth.db")), "the control plane never started");
  });

  describe("berth agent", () => {
    let server: BerthServer;
    before(async () => {
      server = await BerthServer.start();
      await server.aws("ecs", "create-cluster", "--cluster-name", "ports");
    });
    after(() => server.stop());

    const agentEnv = (dataDir: string, ports: Record<string, string>) => ({
      AWS_ACCESS_KEY_ID: server.accessKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.accessKey.secretAccessKey,
      ECS_BACKEND_HOST: server.endpoint,
      ECS_CLUSTER: "ports",
      ECS_DATADIR: dataDir,
      ...ports,
    });

    for (const [port, flag, variable, what] of [
      ["introspection", "--introspection-port", "BERTH_INTROSPECTION_PORT", "the introspection API"],
      ["metadata", "--metadata-port", "BERTH_METADATA_PORT", "the task metadata endpoint"],
    ] as const) {
      it(`its ${port} port: exits before registering anything`, async () => {
        const other = await holdPort(); // the other port: free, ours for the test
        await other.close();
        const ports = port === "introspection" ? [taken.port, other.port] : [other.port, taken.port];
        const cmd = new BerthProcess(["agent"], agentEnv(dir(), { BERTH_INTROSPECTION_PORT: String(ports[0]), BERTH_METADATA_PORT: String(ports[1]) }));
        await assertRefusedStart(cmd, new RegExp(`^berth: cannot listen on 127\\.0\\.0\\.1:${taken.port} for ${what}: the port is already in use; choose another port with ${flag} or ${variable}$`));
        const listed = await server.ecs().send(new ListContainerInstancesCommand({ cluster: "ports" }));
        assert.deepEqual(listed.containerInstanceArns, [], "no instance registered");
      });
    }
  });
});

describe("one agent per data dir", () => {
  let cluster: BerthCluster;
  before(async () => (cluster = await BerthCluster.start({ name: "lock" })));
  after(() => cluster.stop());

  it("a second agent on a data dir in use exits at once, naming the holder's pid", async () => {
    const first = cluster.agents[0]!;
    const holder = Number(readFileSync(join(first.dataDir, "agent.pid"), "utf8"));
    assert.match(readFileSync(`/proc/${holder}/cmdline`, "utf8"), /main\.js\0agent/, "the pid file names the running agent");
    const second = new BerthProcess(["agent"], {
      AWS_ACCESS_KEY_ID: cluster.server.accessKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: cluster.server.accessKey.secretAccessKey,
      ECS_BACKEND_HOST: cluster.server.endpoint,
      ECS_CLUSTER: cluster.name,
      ECS_DATADIR: first.dataDir,
      BERTH_INTROSPECTION_PORT: String((await freePort())),
      BERTH_METADATA_PORT: String((await freePort())),
    });
    await assertRefusedStart(second, new RegExp(`^berth: another berth agent \\(pid ${holder}\\) is using the data dir ${first.dataDir}; stop it, or give this agent its own --data-dir \\(ECS_DATADIR\\)$`));
    assert.ok(first.running, "the first agent runs on");
  });

  it("a lock left by a SIGKILLed agent does not block the next start", async () => {
    const agent = cluster.agents[0]!;
    const arn = agent.containerInstanceArn;
    await agent.kill("SIGKILL");
    assert.ok(existsSync(join(agent.dataDir, "agent.pid")), "the dead agent's pid file is left behind");
    await agent.start();
    assert.equal(agent.containerInstanceArn, arn, "the restarted agent is the same instance");
  });
});
