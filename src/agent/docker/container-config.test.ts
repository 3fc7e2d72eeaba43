import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { containerCreateSpec, type ContainerConfigInput } from "./container-config.js";
import { DockerError } from "./errors.js";
import { agentLabelKeys } from "./naming.js";

const aContainer = (overrides: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: "web",
  image: "berth-test:latest",
  ...overrides,
});

const anInput = (container: Partial<ContainerDefinition> = {}, overrides: Partial<ContainerConfigInput> = {}): ContainerConfigInput => ({
  container: aContainer(container),
  identity: {
    taskArn: "arn:aws:ecs:us-east-1:000000000000:task/default/abc",
    containerName: container.name ?? "web",
    family: "fam",
    revision: 3,
    cluster: "default",
  },
  dockerName: "ecs-fam-3-web-00000000000000000000",
  defaultStopTimeoutSeconds: 30,
  ...overrides,
});

const spec = (container: Partial<ContainerDefinition> = {}, overrides: Partial<ContainerConfigInput> = {}) =>
  containerCreateSpec(anInput(container, overrides));

const rejects = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (e: unknown) => e instanceof DockerError && e.errorName === "CannotCreateContainerError" && pattern.test(e.message));
};

describe("containerCreateSpec: the basics", () => {
  it("a minimal container: image, name, bridge, 2 CPU shares, stop timeout from the agent default, labels", () => {
    const s = spec();
    assert.equal(s.name, "ecs-fam-3-web-00000000000000000000");
    assert.equal(s.Image, "berth-test:latest");
    assert.equal(s.HostConfig.NetworkMode, "bridge");
    assert.equal(s.HostConfig.CpuShares, 2);
    assert.equal(s.StopTimeout, 30);
    assert.deepEqual(s.Env, []);
    assert.equal(s.Cmd, undefined, "the image's CMD is kept when the definition has no command");
    assert.equal(s.Labels[agentLabelKeys.containerName], "web");
    assert.equal(s.Labels[agentLabelKeys.revision], "3");
    assert.equal(s.HostConfig.Memory, undefined);
  });

  it("refuses a container without an image, with ECS's wording", () => {
    rejects(() => spec({ image: "" }), /Container\.image should not be null or empty/);
  });

  it("passes command, entryPoint, workingDirectory, user, hostname, tty and stdin through", () => {
    const s = spec({
      command: ["sh", "-c", "exit 3"],
      entryPoint: ["/bin/env"],
      workingDirectory: "/tmp",
      user: "app",
      hostname: "box",
      pseudoTerminal: true,
      interactive: true,
      disableNetworking: false,
    });
    assert.deepEqual(s.Cmd, ["sh", "-c", "exit 3"]);
    assert.deepEqual(s.Entrypoint, ["/bin/env"]);
    assert.equal(s.WorkingDir, "/tmp");
    assert.equal(s.User, "app");
    assert.equal(s.Hostname, "box");
    assert.equal(s.Tty, true);
    assert.equal(s.OpenStdin, true);
    assert.equal(s.NetworkDisabled, false);
  });

  it("uses the definition's stopTimeout over the agent's default", () => {
    assert.equal(spec({ stopTimeout: 2 }).StopTimeout, 2);
  });
});

describe("containerCreateSpec: cpu and memory", () => {
  const cpuCases: Array<[number | undefined, number]> = [[undefined, 2], [0, 2], [1, 2], [2, 2], [128, 128], [1024, 1024]];
  for (const [cpu, shares] of cpuCases) {
    it(`cpu ${cpu} → CpuShares ${shares}`, () => assert.equal(spec({ cpu }).HostConfig.CpuShares, shares));
  }

  it("memory and memoryReservation are MiB, Docker wants bytes", () => {
    const h = spec({ memory: 128, memoryReservation: 64 }).HostConfig;
    assert.equal(h.Memory, 128 * 1024 * 1024);
    assert.equal(h.MemoryReservation, 64 * 1024 * 1024);
  });

  it("a soft limit alone sets no hard limit", () => {
    const h = spec({ memoryReservation: 64 }).HostConfig;
    assert.equal(h.Memory, undefined);
    assert.equal(h.MemoryReservation, 64 * 1024 * 1024);
  });

  it("task memory caps a container that sets no hard limit, and never overrides one it sets", () => {
    assert.equal(spec({}, { taskMemoryMiB: 512 }).HostConfig.Memory, 512 * 1024 * 1024);
    assert.equal(spec({ memory: 100 }, { taskMemoryMiB: 512 }).HostConfig.Memory, 100 * 1024 * 1024);
  });

  it("task cpu caps each container at the task's share of CPUs", () => {
    assert.equal(spec({}, { taskCpu: 512 }).HostConfig.NanoCpus, 500_000_000);
    assert.equal(spec({}).HostConfig.NanoCpus, undefined);
  });

  it("maxSwap adds to the hard limit; 0 means no swap", () => {
    assert.equal(spec({ memory: 100, linuxParameters: { maxSwap: 50, swappiness: 10 } }).HostConfig.MemorySwap, 150 * 1024 * 1024);
    assert.equal(spec({ memory: 100, linuxParameters: { maxSwap: 0 } }).HostConfig.MemorySwap, 100 * 1024 * 1024);
    assert.equal(spec({ memory: 100, linuxParameters: { swappiness: 10 } }).HostConfig.MemorySwappiness, 10);
  });

  it("ulimits map name/soft/hard", () => {
    const h = spec({ ulimits: [{ name: "nofile", softLimit: 1024, hardLimit: 4096 }] }).HostConfig;
    assert.deepEqual(h.Ulimits, [{ Name: "nofile", Soft: 1024, Hard: 4096 }]);
  });
});

describe("containerCreateSpec: environment and labels", () => {
  it("keeps definition order and lets injected variables win", () => {
    const s = spec(
      { environment: [{ name: "A", value: "1" }, { name: "ECS_CONTAINER_METADATA_URI_V4", value: "forged" }, { name: "B", value: "" }] },
      { injectedEnv: { ECS_CONTAINER_METADATA_URI_V4: "http://169.254.170.2/v4/x", C: "3" } },
    );
    assert.deepEqual(s.Env, ["A=1", "ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/x", "B=", "C=3"]);
  });

  it("user dockerLabels are kept, agent labels cannot be overridden", () => {
    const s = spec({ dockerLabels: { team: "blue", [agentLabelKeys.taskArn]: "forged" } });
    assert.equal(s.Labels.team, "blue");
    assert.equal(s.Labels[agentLabelKeys.taskArn], "arn:aws:ecs:us-east-1:000000000000:task/default/abc");
  });
});

describe("containerCreateSpec: ports and networking", () => {
  it("bridge: static, dynamic (agent-chosen), Docker-chosen and udp ports", () => {
    const s = spec(
      {
        portMappings: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 443 },
          { containerPort: 53, protocol: "udp", hostPort: 0 },
          { containerPort: 9000 },
        ],
      },
      { hostPorts: new Map([["443/tcp", 32768], ["53/udp", 32769]]) },
    );
    assert.deepEqual(s.ExposedPorts, { "80/tcp": {}, "443/tcp": {}, "53/udp": {}, "9000/tcp": {} });
    assert.deepEqual(s.HostConfig.PortBindings, {
      "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }],
      "443/tcp": [{ HostIp: "0.0.0.0", HostPort: "32768" }],
      "53/udp": [{ HostIp: "0.0.0.0", HostPort: "32769" }],
      "9000/tcp": [{ HostIp: "0.0.0.0", HostPort: "" }],
    });
  });

  it("publishes on the agent's host address (BERTH_HOST_IP) when it has one", () => {
    const s = spec({ portMappings: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 443 }] }, { hostPorts: new Map([["443/tcp", 32768]]), hostIp: "127.0.0.2" });
    assert.deepEqual(s.HostConfig.PortBindings, {
      "80/tcp": [{ HostIp: "127.0.0.2", HostPort: "8080" }],
      "443/tcp": [{ HostIp: "127.0.0.2", HostPort: "32768" }],
    });
  });

  it("a container port range exposes every port of it", () => {
    const s = spec({ portMappings: [{ containerPortRange: "7000-7002", protocol: "tcp" }] });
    assert.deepEqual(Object.keys(s.ExposedPorts ?? {}), ["7000/tcp", "7001/tcp", "7002/tcp"]);
  });

  it("rejects a malformed range", () => {
    rejects(() => spec({ portMappings: [{ containerPortRange: "9-3" }] }), /invalid containerPortRange/);
  });

  for (const mode of ["host", "none"] as const) {
    it(`${mode} mode publishes nothing`, () => {
      const s = spec({ portMappings: [{ containerPort: 80 }] }, { networkMode: mode });
      assert.equal(s.HostConfig.NetworkMode, mode);
      assert.equal(s.HostConfig.PortBindings, undefined);
    });
  }

  it("awsvpc: joins the task's pause container, with no exposed or published ports (Docker refuses them there)", () => {
    const s = spec({ portMappings: [{ containerPort: 80, hostPort: 80 }] }, { networkMode: "awsvpc", pauseContainer: "ecs-fam-3-internalecspause-1" });
    assert.equal(s.HostConfig.NetworkMode, "container:ecs-fam-3-internalecspause-1");
    assert.equal(s.ExposedPorts, undefined);
    assert.equal(s.HostConfig.PortBindings, undefined);
  });

  it("awsvpc without a pause container is a broken task, not a bridge one", () => {
    rejects(() => spec({}, { networkMode: "awsvpc" }), /pause container/);
  });

  it("links resolve to the other containers' Docker names, alias defaulting to the name", () => {
    const s = spec({ links: ["db", "cache:redis"] }, { dockerNames: { db: "ecs-fam-3-db-1", cache: "ecs-fam-3-cache-2" } });
    assert.deepEqual(s.HostConfig.Links, ["ecs-fam-3-db-1:db", "ecs-fam-3-cache-2:redis"]);
  });

  it("links need bridge mode and a known container", () => {
    rejects(() => spec({ links: ["db"] }, { networkMode: "host", dockerNames: { db: "x" } }), /bridge/);
    rejects(() => spec({ links: ["db"] }), /unknown container "db"/);
  });

  it("dns, search domains and extra hosts", () => {
    const h = spec({
      dnsServers: ["10.0.0.2"],
      dnsSearchDomains: ["example.internal"],
      extraHosts: [{ hostname: "db.local", ipAddress: "10.0.0.5" }],
    }).HostConfig;
    assert.deepEqual(h.Dns, ["10.0.0.2"]);
    assert.deepEqual(h.DnsSearch, ["example.internal"]);
    assert.deepEqual(h.ExtraHosts, ["db.local:10.0.0.5"]);
  });
});

describe("containerCreateSpec: storage", () => {
  const volumes = {
    data: { type: "bind", hostPath: "/srv/data" },
    scratch: { type: "volume", dockerVolumeName: "ecs-fam-3-scratch-abc" },
  } as const;

  it("host paths become Binds (ro suffix when read-only), Docker volumes become Mounts", () => {
    const h = spec(
      {
        mountPoints: [
          { sourceVolume: "data", containerPath: "/data", readOnly: true },
          { sourceVolume: "scratch", containerPath: "/scratch" },
        ],
      },
      { volumes },
    ).HostConfig;
    assert.deepEqual(h.Binds, ["/srv/data:/data:ro"]);
    assert.deepEqual(h.Mounts, [{ Type: "volume", Source: "ecs-fam-3-scratch-abc", Target: "/scratch", ReadOnly: false }]);
  });

  it("refuses a mount of an unknown volume (even one named like an Object method)", () => {
    rejects(() => spec({ mountPoints: [{ sourceVolume: "nope", containerPath: "/x" }] }, { volumes }), /unknown volume "nope"/);
    rejects(() => spec({ mountPoints: [{ sourceVolume: "toString", containerPath: "/x" }] }, { volumes }), /unknown volume/);
  });

  it("volumesFrom names the source's Docker name with ro/rw", () => {
    const h = spec(
      { volumesFrom: [{ sourceContainer: "db", readOnly: true }, { sourceContainer: "app" }] },
      { dockerNames: { db: "ecs-db", app: "ecs-app" } },
    ).HostConfig;
    assert.deepEqual(h.VolumesFrom, ["ecs-db:ro", "ecs-app:rw"]);
  });

  it("tmpfs needs a size and keeps mount options", () => {
    const h = spec({ linuxParameters: { tmpfs: [{ containerPath: "/run", size: 64, mountOptions: ["noexec"] }] } }).HostConfig;
    assert.deepEqual(h.Tmpfs, { "/run": "size=64m,noexec" });
    rejects(() => spec({ linuxParameters: { tmpfs: [{ containerPath: "/run", size: 0 }] } }), /needs a size/);
  });
});

describe("containerCreateSpec: security and linux parameters", () => {
  it("privileged, read-only rootfs, security options, init, capabilities, devices, shm, sysctls", () => {
    const h = spec({
      privileged: true,
      readonlyRootFilesystem: true,
      dockerSecurityOptions: ["no-new-privileges"],
      systemControls: [{ namespace: "net.core.somaxconn", value: "1024" }],
      linuxParameters: {
        initProcessEnabled: true,
        capabilities: { add: ["NET_ADMIN"], drop: ["MKNOD"] },
        devices: [{ hostPath: "/dev/fuse" }, { hostPath: "/dev/null", containerPath: "/dev/x", permissions: ["read"] }],
        sharedMemorySize: 128,
      },
    }).HostConfig;
    assert.equal(h.Privileged, true);
    assert.equal(h.ReadonlyRootfs, true);
    assert.deepEqual(h.SecurityOpt, ["no-new-privileges"]);
    assert.equal(h.Init, true);
    assert.deepEqual(h.CapAdd, ["NET_ADMIN"]);
    assert.deepEqual(h.CapDrop, ["MKNOD"]);
    assert.deepEqual(h.Devices, [
      { PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm" },
      { PathOnHost: "/dev/null", PathInContainer: "/dev/x", CgroupPermissions: "r" },
    ]);
    assert.equal(h.ShmSize, 128 * 1024 * 1024);
    assert.deepEqual(h.Sysctls, { "net.core.somaxconn": "1024" });
  });

  it("log configuration", () => {
    const h = spec({ logConfiguration: { logDriver: "json-file", options: { "max-size": "1m" } } }).HostConfig;
    assert.deepEqual(h.LogConfig, { Type: "json-file", Config: { "max-size": "1m" } });
  });

  it("host pid and ipc modes pass through; task mode joins the task's namespace pause container", () => {
    const h = spec({}, { pidMode: "host", ipcMode: "none" }).HostConfig;
    assert.equal(h.PidMode, "host");
    assert.equal(h.IpcMode, "none");
    const shared = spec({}, { pidMode: "task", ipcMode: "task", namespaceContainer: "ecs-web-3-internalecspausenamespace-0a" }).HostConfig;
    assert.deepEqual([shared.PidMode, shared.IpcMode], ["container:ecs-web-3-internalecspausenamespace-0a", "container:ecs-web-3-internalecspausenamespace-0a"]);
    const unset = spec({}, {}).HostConfig;
    assert.deepEqual([unset.PidMode, unset.IpcMode], [undefined, undefined]);
    rejects(() => spec({}, { pidMode: "task" }), /pidMode "task" needs the task's namespace pause container/);
  });
});

describe("containerCreateSpec: health check", () => {
  it("seconds become nanoseconds, with ECS defaults for what is omitted", () => {
    const s = spec({ healthCheck: { command: ["CMD-SHELL", "wget -qO- http://127.0.0.1/"], interval: 5, retries: 2 } });
    assert.deepEqual(s.Healthcheck, {
      Test: ["CMD-SHELL", "wget -qO- http://127.0.0.1/"],
      Interval: 5_000_000_000,
      Timeout: 5_000_000_000,
      Retries: 2,
      StartPeriod: 0,
    });
  });

  it("refuses a command that starts with neither CMD nor CMD-SHELL", () => {
    rejects(() => spec({ healthCheck: { command: ["wget", "x"] } }), /must start with CMD or CMD-SHELL/);
  });

  it("every interval in ECS's range stays an exact integer of nanoseconds (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 300 }), fc.integer({ min: 2, max: 60 }), (interval, timeout) => {
        const h = spec({ healthCheck: { command: ["CMD", "true"], interval, timeout } }).Healthcheck!;
        assert.ok(Number.isSafeInteger(h.Interval) && Number.isSafeInteger(h.Timeout));
        assert.equal(h.Interval / 1e9, interval);
      }),
    );
  });
});
