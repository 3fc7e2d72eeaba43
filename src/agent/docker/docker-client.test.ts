/**
 * DockerClient against the real engine and the berth-test image (scripts/setup.sh provides both).
 * Nothing is skipped: an unreachable engine fails the suite. Every container carries the label
 * below and is force-removed at the end (and before, should an earlier run have died).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import Docker from "dockerode";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { DockerClient } from "./docker-client.js";
import { DockerError, type DockerErrorName } from "./errors.js";
import { containerCreateSpec } from "./container-config.js";
import { dockerContainerName, nameSuffix, parseAgentLabels, randomInt63, type ContainerIdentity } from "./naming.js";
import { containerOutcome } from "./exit-reason.js";
import { pauseCreateSpec, subnetNetworkName } from "./pause-container.js";
import type { DockerEvent } from "./docker-events.js";

const testLabel = "berth.test.suite";
const testLabelValue = "agent-docker-client";
const image = "berth-test:latest";
// A registry nothing listens on: pulls fail at once, without leaving this machine.
const deadRegistryImage = "127.0.0.1:1/berth-test:latest";

const docker = new Docker();
const client = new DockerClient({ docker });

const anIdentity = (containerName: string): ContainerIdentity => ({
  taskArn: `arn:aws:ecs:us-east-1:000000000000:task/test/${containerName}-${process.pid}`,
  containerName,
  family: "dockerclienttest",
  revision: 1,
  cluster: "test",
});

/** Creates (not starts) a labelled container from an ECS definition through containerCreateSpec. */
async function create(definition: Partial<ContainerDefinition> & { name: string }, extra: { taskMemoryMiB?: number } = {}): Promise<string> {
  const identity = anIdentity(definition.name);
  const spec = containerCreateSpec({
    container: { image, ...definition, dockerLabels: { ...definition.dockerLabels, [testLabel]: testLabelValue } },
    identity,
    dockerName: dockerContainerName(identity, nameSuffix(randomInt63())),
    defaultStopTimeoutSeconds: 2,
    ...extra,
  });
  return client.createContainer(spec);
}

async function run(definition: Partial<ContainerDefinition> & { name: string }): Promise<string> {
  const id = await create(definition);
  await client.startContainer(id);
  return id;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 15_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (id: string) =>
  waitFor(`${id} to exit`, async () => {
    const info = await client.inspectContainer(id);
    return info.State.Running ? undefined : info;
  });

async function removeTestContainers(): Promise<void> {
  for (const c of await client.listContainers({ [testLabel]: testLabelValue })) await client.removeContainer(c.id, { force: true });
}

const rejectsWith = async (promise: Promise<unknown>, name: DockerErrorName, check?: (e: DockerError) => void): Promise<void> => {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof DockerError, `expected a DockerError, got ${String(e)}`);
    assert.equal(e.errorName, name, e.message);
    check?.(e);
    return true;
  });
};

before(async () => {
  await docker.ping(); // fails the suite, with the engine's error, when Docker is not reachable
  await removeTestContainers();
  await docker.getImage(image).tag({ repo: "127.0.0.1:1/berth-test", tag: "latest" });
});

after(async () => {
  await removeTestContainers();
  await docker.getImage(deadRegistryImage).remove().catch(() => undefined);
});

describe("DockerClient: engine and images", () => {
  it("reports the engine version", async () => {
    const v = await client.version();
    assert.match(v.version, /^\d+\.\d+/);
    assert.match(v.apiVersion, /^1\.\d+$/);
  });

  it("knows which images are present", async () => {
    assert.equal(await client.imageExists(image), true);
    assert.equal(await client.imageExists("127.0.0.1:1/berth-absent:never"), false);
  });

  it("prefer-cached and once (after a pull) use the local image without pulling", async () => {
    assert.deepEqual(await client.pullImage(deadRegistryImage, { behavior: "prefer-cached" }), { source: "cached" });
    assert.deepEqual(await client.pullImage(deadRegistryImage, { behavior: "once", pulledBefore: true }), { source: "cached" });
  });

  it("default falls back on the cached image when the pull fails, and says why", async () => {
    const outcome = await client.pullImage(deadRegistryImage, { behavior: "default" });
    assert.equal(outcome.source, "cached");
    assert.match(outcome.pullError ?? "", /127\.0\.0\.1:1/);
  });

  it("always (and default without a cached image) fail with CannotPullContainerError", async () => {
    await rejectsWith(client.pullImage(deadRegistryImage, { behavior: "always" }), "CannotPullContainerError");
    await rejectsWith(client.pullImage("127.0.0.1:1/berth-absent:never", { behavior: "default" }), "CannotPullContainerError", (e) => {
      assert.match(e.reason, /^CannotPullContainerError: \S/);
      assert.doesNotMatch(e.reason, /HTTP code|server error -/, "the Docker client's wrapping is not the task's business");
    });
  });
});

describe("DockerClient: container lifecycle", () => {
  it("runs the web server on a port Docker chose, answers on it, stops at once with an init, exits 0", async () => {
    const id = await run({ name: "web", portMappings: [{ containerPort: 80 }], linuxParameters: { initProcessEnabled: true } });
    const info = await client.inspectContainer(id);
    assert.equal(containerOutcome(info.State).status, "RUNNING");
    const hostPort = info.NetworkSettings.Ports["80/tcp"]?.[0]?.HostPort;
    assert.ok(hostPort, "a host port was published");
    const body = await waitFor("httpd to answer", async () => {
      try {
        return await (await fetch(`http://127.0.0.1:${hostPort}/`)).text();
      } catch {
        return undefined;
      }
    });
    assert.match(body, /berth-test ok/);

    const started = Date.now();
    await client.stopContainer(id, 10);
    assert.ok(Date.now() - started < 5000, "SIGTERM reached the server: no wait for the 10 s grace");
    const outcome = containerOutcome((await client.inspectContainer(id)).State);
    assert.equal(outcome.status, "STOPPED");
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.reason, undefined);
    await client.stopContainer(id, 1); // stopping a stopped container is not an error
  });

  it("reports a process's exit code", async () => {
    const id = await run({ name: "exit3", command: ["sh", "-c", "exit 3"] });
    const outcome = containerOutcome((await exited(id)).State);
    assert.equal(outcome.exitCode, 3);
    assert.equal(outcome.reason, undefined);
  });

  it("reports an OOM kill with ECS's reason", async () => {
    const id = await run({ name: "oom", memory: 16, command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"] });
    await exited(id);
    // Docker records the OOM kill from its own event, which may come a moment after the exit (a CI run read the state between the two).
    const outcome = containerOutcome((await waitFor(`${id}'s OOM kill recorded`, async () => {
      const info = await client.inspectContainer(id);
      return info.State.OOMKilled ? info : undefined;
    }, 5_000)).State);
    assert.equal(outcome.exitCode, 137);
    assert.equal(outcome.reason, "OutOfMemoryError: Container killed due to memory usage");
  });

  it("applies the memory limit and CPU shares it was given", async () => {
    const id = await create({ name: "limits", cpu: 0, memory: 32, memoryReservation: 16 });
    const info = await client.inspectContainer(id);
    assert.equal(info.HostConfig.Memory, 32 * 1024 * 1024);
    assert.equal(info.HostConfig.MemoryReservation, 16 * 1024 * 1024);
    assert.equal(info.HostConfig.CpuShares, 2);
  });

  it("maps Docker health to HEALTHY and UNHEALTHY", async () => {
    const healthy = await run({
      name: "healthy",
      healthCheck: { command: ["CMD-SHELL", "wget -qO- http://127.0.0.1/ >/dev/null"], interval: 1, timeout: 1, retries: 1 },
    });
    const sick = await run({
      name: "sick",
      command: ["sleep", "1000"],
      healthCheck: { command: ["CMD", "false"], interval: 1, timeout: 1, retries: 1 },
    });
    const health = (id: string, want: string) =>
      waitFor(`${id} ${want}`, async () => {
        const h = containerOutcome((await client.inspectContainer(id)).State).health;
        return h === want ? h : undefined;
      });
    assert.equal(await health(healthy, "HEALTHY"), "HEALTHY");
    assert.equal(await health(sick, "UNHEALTHY"), "UNHEALTHY");
  });

  it("waits out the stop timeout for a PID 1 that ignores SIGTERM, then kills it", async () => {
    const id = await run({ name: "stubborn", command: ["sleep", "1000"] });
    const started = Date.now();
    await client.stopContainer(id, 1);
    assert.ok(Date.now() - started >= 900, "the grace period was given");
    assert.equal(containerOutcome((await client.inspectContainer(id)).State).exitCode, 137);
  });

  it("finds its containers by label and recovers their task and container names", async () => {
    const id = await create({ name: "adoptme" });
    const listed = await client.listContainers({ [testLabel]: testLabelValue, "com.amazonaws.ecs.container-name": "adoptme" });
    assert.deepEqual(listed.map((c) => c.id), [id]);
    assert.match(listed[0]!.name, /^ecs-dockerclienttest-1-adoptme-[0-9a-f]{20}$/);
    assert.equal(listed[0]!.state, "created");
    assert.deepEqual(parseAgentLabels(listed[0]!.labels), {
      taskArn: anIdentity("adoptme").taskArn,
      containerName: "adoptme",
      family: "dockerclienttest",
      revision: "1",
      cluster: "test",
    });
  });

  it("streams container events until aborted", async () => {
    const controller = new AbortController();
    const events = client.events({
      filters: { type: ["container"], label: [`${testLabel}=${testLabelValue}`, "com.amazonaws.ecs.container-name=evented"] },
      signal: controller.signal,
    });
    const seen: DockerEvent[] = [];
    const collecting = (async () => {
      for await (const e of events) {
        seen.push(e);
        if (e.action === "die") controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 200)); // let the stream open before the container exists
    const id = await run({ name: "evented", command: ["sh", "-c", "exit 4"] });
    await collecting;
    const actions = seen.filter((e) => e.id === id).map((e) => e.action);
    assert.deepEqual(actions.slice(0, 3), ["create", "start", "die"]);
    const die = seen.find((e) => e.action === "die");
    assert.equal(die?.attributes.exitCode, "4");
    assert.equal(die?.attributes["com.amazonaws.ecs.container-name"], "evented");
  });
});

describe("DockerClient: named errors", () => {
  it("CannotCreateContainerError for an unknown image (404) and for a duplicate name (409)", async () => {
    await rejectsWith(create({ name: "noimage", image: "127.0.0.1:1/berth-absent:never" }), "CannotCreateContainerError", (e) =>
      assert.equal(e.statusCode, 404),
    );
    const id = await create({ name: "dup" });
    const name = (await client.inspectContainer(id)).Name.replace(/^\//, "");
    const spec = containerCreateSpec({
      container: { name: "dup", image, dockerLabels: { [testLabel]: testLabelValue } },
      identity: anIdentity("dup"),
      dockerName: name,
      defaultStopTimeoutSeconds: 2,
    });
    await rejectsWith(client.createContainer(spec), "CannotCreateContainerError", (e) => assert.equal(e.statusCode, 409));
  });

  it("renames a container (a claimed pooled pause container); a taken name is CannotCreateContainerError 409", async () => {
    const id = await create({ name: "torename" });
    const taken = (await client.inspectContainer(await create({ name: "taken" }))).Name.replace(/^\//, "");
    const fresh = `berth-test-renamed-${nameSuffix(randomInt63())}`;
    await client.renameContainer(id, fresh);
    assert.deepEqual((await client.listContainers({ [testLabel]: testLabelValue })).filter((c) => c.id === id).map((c) => c.name), [fresh]);
    await rejectsWith(client.renameContainer(id, taken), "CannotCreateContainerError", (e) => assert.equal(e.statusCode, 409));
  });

  it("a network made, found again, and removed; a container created on it cannot start once it is gone, and can once it is back", async () => {
    const subnet = `subnet-test${nameSuffix(randomInt63()).slice(0, 8)}`;
    const name = subnetNetworkName(subnet);
    try {
      assert.equal(await client.ensureNetwork(name, { [testLabel]: testLabelValue }), "created");
      assert.equal(await client.ensureNetwork(name, {}), "existed");
      const id = await client.createContainer(pauseCreateSpec({ name: `${name}-pause`, taskArn: undefined, subnet, pause: { image, command: ["sleep", "60"] }, labels: { [testLabel]: testLabelValue } }));
      // Docker makes endpoints at start: a created container does not keep its network (the race subnet-networks.ts closes).
      await client.removeNetwork(name);
      await rejectsWith(client.startContainer(id), "CannotStartContainerError");
      assert.equal(await client.ensureNetwork(name, {}), "created");
      await client.startContainer(id);
      assert.ok((await client.inspectContainer(id)).NetworkSettings.Networks[name]?.IPAddress);
    } finally {
      await removeTestContainers();
      await client.removeNetwork(name);
    }
  });

  it("CannotStartContainerError when the command does not exist", async () => {
    const id = await create({ name: "nocmd", command: ["/bin/no-such-program"] });
    await rejectsWith(client.startContainer(id), "CannotStartContainerError", (e) => assert.match(e.message, /no-such-program/));
  });

  it("CannotInspectContainerError and CannotStopContainerError for a container that does not exist; removing it is fine", async () => {
    await rejectsWith(client.inspectContainer("berth-no-such-container"), "CannotInspectContainerError", (e) => {
      assert.ok(e.notFound);
      assert.equal(e.engineUnreachable, false, "the engine answered");
    });
    await rejectsWith(client.stopContainer("berth-no-such-container", 1), "CannotStopContainerError", (e) => assert.ok(e.notFound));
    await client.removeContainer("berth-no-such-container");
  });

  it("tells an engine that cannot be reached (dockerd down) from one that answered", async () => {
    const nowhere = new DockerClient({ docker: new Docker({ socketPath: "/nonexistent/berth-test/docker.sock" }) });
    await rejectsWith(nowhere.inspectContainer("anything"), "CannotInspectContainerError", (e) => {
      assert.equal(e.engineUnreachable, true);
      assert.equal(e.notFound, false);
    });
  });

  it("DockerTimeoutError in the ECS agent's words when a call outlives its limit", async () => {
    const impatient = new DockerClient({ docker, timeouts: { stopMarginMs: 0 } });
    const id = await run({ name: "slowstop", command: ["sleep", "1000"] });
    // sleep ignores SIGTERM, so the engine answers only after the 1 s grace and the kill.
    await rejectsWith(impatient.stopContainer(id, 1), "DockerTimeoutError", (e) =>
      assert.equal(e.message, "Could not transition to stopped; timed out after waiting 1s"),
    );
  });
});
