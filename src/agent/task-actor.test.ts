import { freeBlock } from "./free-ports.testing.js";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import type { ContainerReport, TaskSpec } from "../agent-protocol/messages.js";
import { manifestDigestOf, type ContainerScript } from "./docker/in-memory-docker.js";
import { metadataIdIn, pinnedPullFailure, type TaskActorDeps } from "./task-actor.js";
import { aContainer, aTaskSpec, Host, startTask, withHealthCheck } from "./task-test-kit.js";

describe("metadataIdIn: the metadata id an adopted container was created with", () => {
  const cases: Array<[string, string[] | undefined, string | undefined]> = [
    ["from the v4 URI", ["PATH=/bin", "ECS_CONTAINER_METADATA_URI_V4=http://172.17.0.1:51679/v4/abc123-deadbeef"], "abc123-deadbeef"],
    ["with a trailing slash", ["ECS_CONTAINER_METADATA_URI_V4=http://172.17.0.1:51679/v4/abc/"], "abc"],
    ["not from a look-alike variable", ["MY_ECS_CONTAINER_METADATA_URI_V4=http://x/v4/nope"], undefined],
    ["nothing when the URI has no id", ["ECS_CONTAINER_METADATA_URI_V4=http://x/"], undefined],
    ["nothing without the variable", ["PATH=/bin"], undefined],
    ["nothing without an environment", undefined, undefined],
  ];
  for (const [what, env, expected] of cases) it(what, () => assert.equal(metadataIdIn(env), expected));
});

type Scripts = Readonly<Record<string, ContainerScript>>;

/** One task on a fresh host, its engine's events routed to its actor, run until nothing moves. */
async function runTask(spec: TaskSpec, scripts: Scripts = {}, options: { host?: Host; deps?: Partial<TaskActorDeps> } = {}) {
  const host = options.host ?? new Host();
  for (const [name, script] of Object.entries(scripts)) host.docker.script(name, script);
  const started = await startTask(spec, host, options.deps);
  const container = (name: string): ContainerReport => {
    const c = host.last(spec.taskArn).containers.find((x) => x.name === name);
    assert.ok(c, `container ${name} is reported`);
    return c;
  };
  return { ...started, container };
}

const image = (name: string) => ({ image: `registry.test/${name}:1` });
const dependsOn = (containerName: string, condition: "START" | "COMPLETE" | "SUCCESS" | "HEALTHY"): Partial<ContainerDefinition> => ({
  dependsOn: [{ containerName, condition }],
});

describe("task actor: start-up in dependsOn order", () => {
  const cases: ReadonlyArray<{
    what: string;
    containers: ContainerDefinition[];
    scripts?: Scripts;
    starts: string[];
    statuses: string[];
  }> = [
    {
      what: "START: the dependent starts once its dependency started",
      containers: [aContainer("app", { ...image("app"), ...dependsOn("log", "START") }), aContainer("log", { ...image("log"), essential: false })],
      starts: ["log", "app"],
      statuses: ["PENDING", "RUNNING"],
    },
    {
      what: "HEALTHY: a chain waits for each dependency's state",
      containers: [
        aContainer("proxy", { ...image("proxy"), ...dependsOn("app", "START") }),
        aContainer("app", { ...image("app"), ...dependsOn("db", "HEALTHY") }),
        aContainer("db", { ...image("db"), ...withHealthCheck }),
      ],
      scripts: { db: { healthOnStart: "healthy" } },
      starts: ["db", "app", "proxy"],
      statuses: ["PENDING", "RUNNING"],
    },
    {
      what: "SUCCESS: the dependent starts after its dependency exited 0",
      containers: [aContainer("migrate", { ...image("migrate"), essential: false }), aContainer("app", { ...image("app"), ...dependsOn("migrate", "SUCCESS") })],
      scripts: { migrate: { exitOnStart: 0 } },
      starts: ["migrate", "app"],
      statuses: ["PENDING", "RUNNING"],
    },
    {
      what: "COMPLETE: any exit code will do",
      containers: [aContainer("migrate", { ...image("migrate"), essential: false }), aContainer("app", { ...image("app"), ...dependsOn("migrate", "COMPLETE") })],
      scripts: { migrate: { exitOnStart: 3 } },
      starts: ["migrate", "app"],
      statuses: ["PENDING", "RUNNING"],
    },
    {
      what: "SUCCESS that can no longer be met: the task fails to start, the dependent never starts",
      containers: [aContainer("migrate", { ...image("migrate"), essential: false }), aContainer("app", { ...image("app"), ...dependsOn("migrate", "SUCCESS") })],
      scripts: { migrate: { exitOnStart: 1 } },
      starts: ["migrate"],
      statuses: ["PENDING", "STOPPED"],
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const { host, done } = await runTask(aTaskSpec({ containers: c.containers }), c.scripts);
      done();
      const images = c.containers.map((x) => x.image ?? "");
      assert.deepEqual(host.calls("pull"), images, "every image is pulled, in definition order");
      assert.deepEqual(host.calls("create"), c.containers.map((x) => x.name), "every container is created");
      assert.deepEqual(host.calls("start"), c.starts);
      const ops = host.docker.calls.map((x) => x.op);
      assert.ok(ops.lastIndexOf("pull") < ops.indexOf("create") && ops.lastIndexOf("create") < ops.indexOf("start"), "pulls, then creates, then starts");
      assert.deepEqual(host.statuses(), c.statuses);
    });
  }

  it("a HEALTHY dependency holds the task PENDING until Docker reports the container healthy", async () => {
    const spec = aTaskSpec({ containers: [aContainer("db", withHealthCheck), aContainer("app", dependsOn("db", "HEALTHY"))] });
    const { host, settle, done } = await runTask(spec);
    assert.deepEqual(host.calls("start"), ["db"]);
    assert.equal(host.last().status, "PENDING");

    host.docker.setHealth("db", "healthy");
    await settle();
    done();
    assert.deepEqual(host.calls("start"), ["db", "app"]);
    assert.deepEqual(host.statuses(), ["PENDING", "RUNNING"]);
    assert.equal(host.last().containers.find((x) => x.name === "db")?.healthStatus, "HEALTHY");
  });

  it("a dependency that is not healthy within its startTimeout stops the task once that time has passed, with nothing else happening", async () => {
    const spec = aTaskSpec({ containers: [aContainer("db", { ...withHealthCheck, startTimeout: 30 }), aContainer("app", dependsOn("db", "HEALTHY"))] });
    const { host, container, settle, done } = await runTask(spec);
    host.clock.advance(29_999);
    await settle();
    assert.equal(host.last().status, "PENDING");
    host.clock.advance(1);
    await settle();
    done();
    assert.deepEqual(host.calls("start"), ["db"]);
    assert.equal(host.last().status, "STOPPED");
    assert.equal(host.last().stopCode, "TaskFailedToStart");
    assert.match(host.last().reason ?? "", /^TaskDependencyError: .*app needs db to healthy within its startTimeout \(30 s\), and it did not$/);
    assert.equal(container("app").reason, host.last().reason);
  });

  it("a failed SUCCESS dependency is the blocked container's reason and the task's", async () => {
    const spec = aTaskSpec({ containers: [aContainer("migrate", { essential: false }), aContainer("app", dependsOn("migrate", "SUCCESS"))] });
    const { host, container, done } = await runTask(spec, { migrate: { exitOnStart: 1 } });
    done();
    assert.equal(host.last().stopCode, "TaskFailedToStart");
    assert.match(host.last().reason ?? "", /^TaskDependencyError: .*app needs migrate to success, and it exited with code 1/);
    assert.equal(container("app").reason, host.last().reason);
    assert.equal(container("migrate").exitCode, 1);
  });

  it("RUNNING reports the network bindings Docker published: dynamic ports from the agent's range, static as defined", async () => {
    const spec = aTaskSpec({
      containers: [
        aContainer("app", { portMappings: [{ containerPort: 80, hostPort: 0 }, { containerPort: 53, protocol: "udp" }] }),
        aContainer("proxy", { portMappings: [{ containerPort: 443, hostPort: 8443 }] }),
      ],
    });
    const { host, container, done } = await runTask(spec);
    done();
    assert.equal(host.last().status, "RUNNING");
    const [tcp, udp] = container("app").networkBindings ?? [];
    assert.ok(tcp && udp);
    assert.deepEqual({ ...tcp, hostPort: 0 }, { bindIP: "0.0.0.0", containerPort: 80, hostPort: 0, protocol: "tcp" });
    assert.ok(tcp.hostPort >= host.portRange.first && tcp.hostPort <= host.portRange.last, `${tcp.hostPort} is in the dynamic range`);
    assert.deepEqual({ ...udp, hostPort: 0 }, { bindIP: "0.0.0.0", containerPort: 53, hostPort: 0, protocol: "udp" });
    assert.deepEqual(container("proxy").networkBindings, [{ bindIP: "0.0.0.0", containerPort: 443, hostPort: 8443, protocol: "tcp" }]);
    assert.ok(container("app").runtimeId, "the Docker id is reported");
  });
});

describe("task actor: a container exits", () => {
  const cases: ReadonlyArray<{
    what: string;
    act: (host: Host) => void;
    status: "RUNNING" | "STOPPED";
    stopCode?: string;
    containers: Record<string, Partial<ContainerReport>>;
  }> = [
    {
      what: "an essential container exits: the others are stopped, the task is STOPPED with every exit code",
      act: (host) => host.docker.exit("app", 2),
      status: "STOPPED",
      stopCode: "EssentialContainerExited",
      containers: { app: { status: "STOPPED", exitCode: 2 }, sidecar: { status: "STOPPED", exitCode: 143 } },
    },
    {
      what: "an essential container exits 0: still the end of the task",
      act: (host) => host.docker.exit("app", 0),
      status: "STOPPED",
      stopCode: "EssentialContainerExited",
      containers: { app: { status: "STOPPED", exitCode: 0 }, sidecar: { status: "STOPPED", exitCode: 143 } },
    },
    {
      what: "a non-essential container exits: the task keeps running",
      act: (host) => host.docker.exit("sidecar", 1),
      status: "RUNNING",
      containers: { app: { status: "RUNNING" }, sidecar: { status: "STOPPED", exitCode: 1 } },
    },
    {
      what: "the OOM killer ends an essential container: OutOfMemoryError",
      act: (host) => host.docker.oomKill("app"),
      status: "STOPPED",
      stopCode: "EssentialContainerExited",
      containers: { app: { status: "STOPPED", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }, sidecar: { status: "STOPPED", exitCode: 143 } },
    },
    {
      what: "Docker records the OOM kill only after the exit: the agent looks again before it reports, OutOfMemoryError",
      act: (host) => host.docker.oomKill("app", { flaggedAfterMs: 50 }),
      status: "STOPPED",
      stopCode: "EssentialContainerExited",
      containers: { app: { status: "STOPPED", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }, sidecar: { status: "STOPPED", exitCode: 143 } },
    },
    {
      what: "a SIGKILL from outside (137) that no OOM explains: no reason, after the agent looked again",
      act: (host) => host.docker.exit("app", 137),
      status: "STOPPED",
      stopCode: "EssentialContainerExited",
      containers: { app: { status: "STOPPED", exitCode: 137, reason: undefined }, sidecar: { status: "STOPPED", exitCode: 143 } },
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const spec = aTaskSpec({ containers: [aContainer("app"), aContainer("sidecar", { essential: false })] });
      const { host, container, settle, done } = await runTask(spec);
      assert.equal(host.last().status, "RUNNING");
      c.act(host);
      await host.passLateOomWait();
      await settle();
      done();
      assert.equal(host.last().status, c.status);
      assert.equal(host.last().stopCode, c.stopCode);
      if (c.stopCode) assert.equal(host.last().reason, "Essential container in task exited");
      for (const [name, expected] of Object.entries(c.containers)) {
        const actual = container(name);
        for (const [key, value] of Object.entries(expected)) assert.deepEqual(actual[key as keyof ContainerReport], value, `${name}.${key}`);
      }
      assert.deepEqual(host.calls("stop"), c.status === "STOPPED" ? ["sidecar"] : [], "only what still runs is stopped");
    });
  }

  it("reports STOPPED once, after the last container stopped", async () => {
    const spec = aTaskSpec({ containers: [aContainer("app"), aContainer("sidecar", { essential: false })] });
    const { host, settle, done } = await runTask(spec);
    host.docker.exit("app", 1);
    await settle();
    done();
    assert.deepEqual(host.statuses(), ["PENDING", "RUNNING", "STOPPED"]);
    assert.equal(host.reports.filter((r) => r.status === "STOPPED").length, 1);
    assert.equal(host.docker.stateOf("sidecar"), "exited");
  });
});

describe("task actor: the task cannot start", () => {
  const cases: ReadonlyArray<{ what: string; scripts?: Scripts; failPull?: string; reason: RegExp; creates: string[]; starts: string[] }> = [
    {
      what: "a pull fails: CannotPullContainerError, nothing created",
      failPull: "pull access denied for registry.test/app, repository does not exist or may require 'docker login'",
      reason: /^CannotPullContainerError: pull access denied for registry\.test\/app/,
      creates: [],
      starts: [],
    },
    {
      what: "a create times out: DockerTimeoutError after the create limit",
      scripts: { app: { createTimesOut: true } },
      reason: /^DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s$/,
      creates: ["log", "app"],
      starts: [],
    },
    {
      what: "the engine refuses a create: CannotCreateContainerError",
      scripts: { app: { createFails: "invalid reference format" } },
      reason: /^CannotCreateContainerError: invalid reference format$/,
      creates: ["log", "app"],
      starts: [],
    },
    {
      what: "a start fails: CannotStartContainerError",
      scripts: { app: { startFails: "OCI runtime create failed: exec: \"nope\": not found" } },
      reason: /^CannotStartContainerError: OCI runtime create failed/,
      creates: ["log", "app"],
      starts: ["log", "app"],
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const host = new Host();
      if (c.failPull) host.docker.failPull("registry.test/app:1", c.failPull);
      const spec = aTaskSpec({ containers: [aContainer("log", { essential: false }), aContainer("app", image("app"))] });
      const { container, done } = await runTask(spec, c.scripts, { host });
      done();
      assert.deepEqual(host.statuses(), ["PENDING", "STOPPED"]);
      assert.equal(host.last().stopCode, "TaskFailedToStart");
      assert.match(host.last().reason ?? "", c.reason);
      assert.match(container("app").reason ?? "", c.reason, "the failing container carries the reason");
      assert.deepEqual(host.calls("create"), c.creates);
      assert.deepEqual(host.calls("start"), c.starts);
      assert.equal(container("app").status, "STOPPED");
      assert.equal(container("log").status, "STOPPED");
      if (c.starts.includes("log")) assert.equal(host.docker.stateOf("log"), "exited", "what had started is stopped again");
    });
  }

  it("a failed pull of a cached image falls back to the cache (ECS default behaviour)", async () => {
    const host = new Host(undefined, ["registry.test/app:1"]);
    host.docker.failPull("registry.test/app:1", "registry unreachable");
    const { done } = await runTask(aTaskSpec({ containers: [aContainer("app", image("app"))] }), {}, { host });
    done();
    assert.deepEqual(host.calls("pull"), ["registry.test/app:1"]);
    assert.equal(host.last().status, "RUNNING");
  });
});

describe("task actor: image digests (ECS's version consistency)", () => {
  const pinned = `sha256:${"7".repeat(64)}`;

  it("runs the manifest its service revision pinned, whatever the tag names now, and reports its digest", async () => {
    const { host, actor, done } = await runTask(aTaskSpec({ containers: [aContainer("app", image("app"))], imageDigests: { app: pinned } }));
    done();
    assert.deepEqual(host.calls("pull"), [`registry.test/app@${pinned}`]);
    const created = await host.docker.inspectContainer(actor.containers.get("app")?.dockerId ?? "");
    assert.equal(created.Config?.Image, `registry.test/app@${pinned}`, "created from the pinned manifest, not the tag");
    assert.equal(host.last().status, "RUNNING");
    assert.equal(host.last().containers[0]?.imageDigest, pinned);
  });

  it("a pinned manifest the registry no longer has stops the task, saying why it was asked for", async () => {
    const host = new Host();
    host.docker.failPull(`registry.test/app@${pinned}`, "manifest unknown");
    const { done, container } = await runTask(aTaskSpec({ containers: [aContainer("app", image("app"))], imageDigests: { app: pinned } }), {}, { host });
    done();
    assert.equal(host.last().status, "STOPPED");
    assert.equal(container("app").reason, `CannotPullContainerError: manifest unknown (${pinnedPullFailure("registry.test/app:1")})`);
  });

  it("reports the registry's manifest digest of a pulled tag, and none for an image built on the host", async () => {
    const pulled = await runTask(aTaskSpec({ containers: [aContainer("app", image("app"))] }));
    pulled.done();
    assert.equal(pulled.host.last().containers[0]?.imageDigest, manifestDigestOf("registry.test/app:1"));

    const host = new Host(undefined, ["built-here:latest"]);
    host.docker.failPull("built-here:latest", "pull access denied: repository does not exist");
    const { done } = await runTask(aTaskSpec({ containers: [aContainer("app", { image: "built-here:latest" })] }), {}, { host });
    done();
    assert.equal(host.last().status, "RUNNING");
    assert.equal(host.last().containers[0]?.imageDigest, undefined, "the ECS agent resolves no digest for an image no registry gave");
  });
});

describe("task actor: desired STOPPED", () => {
  const cases: ReadonlyArray<{
    what: string;
    app: Partial<ContainerDefinition>;
    script?: ContainerScript;
    timeoutSeconds: number;
    exitCode: number;
    waitedMs: number;
  }> = [
    { what: "a process that ends on SIGTERM stops at once", app: { stopTimeout: 10 }, script: { onSigterm: 0 }, timeoutSeconds: 10, exitCode: 0, waitedMs: 0 },
    { what: "a process killed by SIGTERM: 143", app: { stopTimeout: 10 }, timeoutSeconds: 10, exitCode: 143, waitedMs: 0 },
    { what: "a process that ignores SIGTERM is killed after its stopTimeout", app: { stopTimeout: 7 }, script: { onSigterm: "ignore" }, timeoutSeconds: 7, exitCode: 137, waitedMs: 7000 },
    { what: "without stopTimeout, the agent's default (ECS_CONTAINER_STOP_TIMEOUT)", app: {}, script: { onSigterm: "ignore" }, timeoutSeconds: 30, exitCode: 137, waitedMs: 30_000 },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const spec = aTaskSpec({ containers: [aContainer("app", c.app)] });
      const { host, actor, container, settle, done } = await runTask(spec, c.script ? { app: c.script } : {});
      assert.equal(host.last().status, "RUNNING");
      const askedAt = host.clock.now();
      actor.desire({ ...spec, desiredStatus: "STOPPED", stopReason: "Scaling activity initiated by deployment ecs-svc/1" });
      await settle();
      done();
      assert.deepEqual(host.docker.calls.filter((x) => x.op === "stop"), [{ op: "stop", target: "app", timeoutSeconds: c.timeoutSeconds }]);
      assert.deepEqual(host.statuses(), ["PENDING", "RUNNING", "STOPPED"]);
      assert.equal(host.last().stopCode, "UserInitiated");
      assert.equal(host.last().reason, "Scaling activity initiated by deployment ecs-svc/1");
      assert.equal(container("app").exitCode, c.exitCode);
      assert.equal(host.docker.stateOf("app"), "exited");
      assert.equal((host.last().executionStoppedAtMs ?? 0) - askedAt, c.waitedMs);
    });
  }

  it("stops dependents before what they depend on", async () => {
    const spec = aTaskSpec({
      containers: [aContainer("db"), aContainer("app", dependsOn("db", "START")), aContainer("proxy", dependsOn("app", "START"))],
    });
    const { host, actor, settle, done } = await runTask(spec);
    actor.desire({ ...spec, desiredStatus: "STOPPED" });
    await settle();
    done();
    assert.deepEqual(host.calls("stop"), ["proxy", "app", "db"]);
    assert.equal(host.last().reason, "Task stopped by user");
  });

  it("a task stopped before it started creates nothing", async () => {
    const spec = aTaskSpec({ desiredStatus: "STOPPED" });
    const { host, done } = await runTask(spec);
    done();
    assert.deepEqual(host.docker.calls, []);
    assert.equal(host.last().status, "STOPPED");
  });

  it("a stopped task's dynamic host ports go back to the agent's range", async () => {
    // One port in the agent's range, so that the second task can only run on the first one's port.
    const only = await freeBlock(1);
    const host = new Host({ first: only, last: only });
    const ports = host.newPorts();
    const withPort = (id: string) =>
      aTaskSpec({ taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`, containers: [aContainer("app", { portMappings: [{ containerPort: 80 }] })] });
    const first = await runTask(withPort("first"), {}, { host, deps: { ports } });
    first.actor.desire({ ...first.actor.spec, desiredStatus: "STOPPED" });
    await first.settle();
    first.done();

    const second = await runTask(withPort("second"), {}, { host, deps: { ports } });
    second.done();
    assert.equal(host.last(second.actor.spec.taskArn).status, "RUNNING", host.last(second.actor.spec.taskArn).reason);
    assert.equal(second.container("app").networkBindings?.[0]?.hostPort, only);
  });
});
