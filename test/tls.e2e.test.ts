import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunTaskCommand } from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { berthBin, BerthServer } from "./support/berth-server.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { RegistryTools, runCommand } from "./support/registry-tools.js";
import { makeTlsFiles, type TlsFiles } from "./support/tls-files.js";

describe("the server over TLS (--tls-cert, --tls-key)", () => {
  let tls: TlsFiles;
  let server: BerthServer;
  before(async () => {
    tls = await makeTlsFiles();
    server = await BerthServer.start(undefined, ["--tls-cert", tls.certFile, "--tls-key", tls.keyFile]);
  });
  after(async () => {
    await server.stop();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  it("announces an https endpoint and refuses plain HTTP on its port", async () => {
    assert.match(server.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    await assert.rejects(fetch(server.endpoint.replace("https:", "http:") + "/healthz"));
  });

  it("serves the AWS CLI with --ca-bundle, and the CLI refuses the server without it", async () => {
    const created = await server.aws("--ca-bundle", tls.caFile, "ecs", "create-cluster", "--cluster-name", "over-tls");
    assert.equal(created.code, 0, created.stderr);
    const listed = await server.aws("--ca-bundle", tls.caFile, "ecs", "list-clusters");
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /cluster\/over-tls/);

    const untrusted = await server.aws("ecs", "list-clusters");
    assert.notEqual(untrusted.code, 0);
    assert.match(untrusted.stderr, /SSL|certificate/i);
  });

  it("docker push and pull through the registry over TLS with the CA in /etc/docker/certs.d", async () => {
    const tools = new RegistryTools(server, ["--ca-bundle", tls.caFile]);
    const certsDir = `/etc/docker/certs.d/${tools.host}`;
    mkdirSync(certsDir, { recursive: true });
    copyFileSync(tls.caFile, `${certsDir}/ca.crt`);
    try {
      assert.equal((await server.aws("--ca-bundle", tls.caFile, "ecr", "create-repository", "--repository-name", "secure")).code, 0);
      const login = await tools.login();
      assert.equal(login.code, 0, login.stderr);
      const ref = `${tools.host}/secure:1`;
      await tools.tag("berth-test:latest", ref);
      assert.match(await tools.pushAndPullBack(ref), /^sha256:[0-9a-f]{64}$/);
    } finally {
      await tools.cleanUp();
      rmSync(certsDir, { recursive: true, force: true });
    }
  });
});

describe("an agent over TLS (--ca-bundle)", () => {
  let tls: TlsFiles;
  let cluster: BerthCluster;
  before(async () => {
    tls = await makeTlsFiles();
    cluster = await BerthCluster.start({ name: "tls", serverArgs: ["--tls-cert", tls.certFile, "--tls-key", tls.keyFile], caBundle: tls.caFile });
  });
  after(async () => {
    await cluster.stop();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  it("registers over https, keeps its channel over wss:// and runs a task", async () => {
    assert.match(cluster.server.endpoint, /^https:/);
    const [instance] = await cluster.describeInstances([cluster.agents[0]!.containerInstanceArn]);
    assert.equal(instance?.agentConnected, true);
    const td = await cluster.register(aTaskDefinition("over-tls", [aContainer({ name: "web" })]));
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }));
    await cluster.waitForTasks([out.tasks![0]!.taskArn!], (t) => t.lastStatus === "RUNNING", 20_000, "the task RUNNING");
  });

  it("an agent that does not trust the server's CA exits at once, saying how to trust it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-untrusting-"));
    try {
      const r = await runCommand(process.execPath, [berthBin, "agent"], {
        ...process.env,
        AWS_ACCESS_KEY_ID: cluster.server.accessKey.accessKeyId,
        AWS_SECRET_ACCESS_KEY: cluster.server.accessKey.secretAccessKey,
        ECS_BACKEND_HOST: cluster.server.endpoint,
        ECS_CLUSTER: cluster.name,
        ECS_DATADIR: dataDir,
        BERTH_INTROSPECTION_PORT: "0",
        BERTH_METADATA_PORT: "0",
      });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the control plane's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): give its CA with --ca-bundle or BERTH_CA_BUNDLE/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
