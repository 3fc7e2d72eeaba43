import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import fc from "fast-check";
import {
  compileAgentConfig,
  describeAgentConfig,
  layerConfig,
  loadAgentConfig,
  parseIpLocalPortRange,
  type ConfigInputs,
} from "./agent-config.js";
import { AgentConfigError } from "./config-error.js";
import { agentVariables, variableNames } from "./variables.js";

const problemsOf = (inputs: ConfigInputs): readonly string[] => {
  try {
    loadAgentConfig(inputs);
  } catch (e) {
    if (e instanceof AgentConfigError) return e.problems;
    throw e;
  }
  assert.fail("expected an AgentConfigError");
};

describe("loadAgentConfig: defaults (the ECS agent's, on Linux)", () => {
  const c = loadAgentConfig({});
  const cases: Array<[string, unknown, unknown]> = [
    ["cluster", c.cluster, "default"],
    ["reserved memory", c.reservedMemoryMiB, 0],
    ["reserved TCP ports", c.reservedPorts, [22, 2375, 2376, 51678, 51679]],
    ["reserved UDP ports", c.reservedPortsUdp, []],
    ["stop timeout", c.containerStopTimeoutMs, 30_000],
    ["start timeout", c.containerStartTimeoutMs, 180_000],
    ["create timeout", c.containerCreateTimeoutMs, 240_000],
    ["pull timeout", c.imagePullTimeoutMs, 7_200_000],
    ["task cleanup wait", c.taskCleanupWaitMs, 3 * 3_600_000],
    ["pull behaviour", c.imagePullBehavior, "default"],
    ["log level", c.logLevel, "info"],
    ["logging drivers", c.availableLoggingDrivers, ["json-file", "none"]],
    ["instance attributes", c.instanceAttributes, {}],
    ["dynamic port range without a host fact", c.dynamicHostPortRange, { first: 49153, last: 65535 }],
    ["privileged allowed", c.disablePrivileged, false],
    ["task cpu/memory limits", c.taskCpuMemLimit, true],
    ["no credentials", c.credentials, undefined],
    ["the region's first zone", c.availabilityZone, "us-east-1a"],
    ["task ports published on every address", c.hostIp, "0.0.0.0"],
  ];
  for (const [title, actual, expected] of cases) it(title, () => assert.deepEqual(actual, expected));

  it("takes the host address from --host-ip (BERTH_HOST_IP), in its canonical form", () => {
    assert.equal(loadAgentConfig({ flags: { BERTH_HOST_IP: "127.0.0.2" } }).hostIp, "127.0.0.2");
    assert.equal(loadAgentConfig({ env: { BERTH_HOST_IP: "127.000.0.03" } }).hostIp, "127.0.0.3");
    assert.throws(() => loadAgentConfig({ env: { BERTH_HOST_IP: "localhost" } }), /BERTH_HOST_IP \(environment\): expected an IPv4 address/);
  });

  it("takes the dynamic port range from the host when it is known", () => {
    const range = parseIpLocalPortRange("32768\t60999\n");
    assert.deepEqual(range, { first: 32768, last: 60999 });
    assert.deepEqual(loadAgentConfig({ ephemeralPortRange: range }).dynamicHostPortRange, range);
  });
});

describe("loadAgentConfig: layering", () => {
  const file = "ECS_CLUSTER=from-file\nECS_RESERVED_MEMORY=64\nECS_LOGLEVEL=warn";
  const env = { ECS_CLUSTER: "from-env", ECS_RESERVED_MEMORY: "128", PATH: "/bin" };
  const flags = { ECS_CLUSTER: "from-flag" };

  it("flags beat the environment, which beats the file, which beats defaults", () => {
    const c = loadAgentConfig({ fileText: file, env, flags });
    assert.equal(c.cluster, "from-flag");
    assert.equal(c.reservedMemoryMiB, 128);
    assert.equal(c.logLevel, "warn");
    assert.equal(c.dataDir, "/var/lib/ecs/data");
  });

  it("records where each value came from", () => {
    const c = loadAgentConfig({ fileText: file, env, flags });
    const source = (name: string) => c.settings.find((s) => s.variable === name)?.source;
    assert.equal(source("ECS_CLUSTER"), "flag");
    assert.equal(source("ECS_RESERVED_MEMORY"), "environment");
    assert.equal(source("ECS_LOGLEVEL"), "file");
    assert.equal(source("ECS_DATADIR"), "default");
  });

  it("treats an empty value as unset, as the ECS agent does", () => {
    assert.equal(loadAgentConfig({ fileText: "ECS_CLUSTER=f", env: { ECS_CLUSTER: "" } }).cluster, "f");
  });

  it("lists unknown ECS_/BERTH_ variables for a warning, ignores the rest of the environment", () => {
    const raw = layerConfig({ env: { ECS_ENABLE_GPU_SUPPORT: "true", BERTH_TYPO: "1", HOME: "/root" }, fileText: "ECS_UPDATES_ENABLED=true" });
    assert.deepEqual(raw.unrecognized, ["BERTH_TYPO", "ECS_ENABLE_GPU_SUPPORT", "ECS_UPDATES_ENABLED"]);
  });

  it("refuses a flag for a variable that does not exist (a CLI bug)", () => {
    assert.throws(() => layerConfig({ flags: { ECS_NOPE: "1" } }), AgentConfigError);
  });

  it("more specific layers always win (property)", () => {
    const value = fc.option(fc.stringMatching(/^[a-z]{1,8}$/), { nil: undefined });
    fc.assert(
      fc.property(value, value, value, (f, e, fileValue) => {
        const c = loadAgentConfig({
          flags: { ECS_CLUSTER: f },
          env: { ECS_CLUSTER: e },
          fileText: fileValue === undefined ? "" : `ECS_CLUSTER=${fileValue}`,
        });
        assert.equal(c.cluster, f ?? e ?? fileValue ?? "default");
      }),
    );
  });
});

describe("loadAgentConfig: parsing and units", () => {
  it("normalises durations to milliseconds and parses JSON lists and maps", () => {
    const c = loadAgentConfig({
      env: {
        ECS_CONTAINER_STOP_TIMEOUT: "1m30s",
        ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: "10m",
        ECS_RESERVED_PORTS: "[22, 8080]",
        ECS_RESERVED_PORTS_UDP: "[53]",
        ECS_INSTANCE_ATTRIBUTES: '{"stack":"prod"}',
        ECS_AVAILABLE_LOGGING_DRIVERS: '["json-file","syslog"]',
        ECS_DYNAMIC_HOST_PORT_RANGE: "40000-40100",
        ECS_IMAGE_PULL_BEHAVIOR: "prefer-cached",
        ECS_DISABLE_PRIVILEGED: "true",
        BERTH_AVAILABILITY_ZONE: "lab-1a",
      },
    });
    assert.equal(c.containerStopTimeoutMs, 90_000);
    assert.equal(c.taskCleanupWaitMs, 600_000);
    assert.deepEqual(c.reservedPorts, [22, 8080]);
    assert.deepEqual(c.reservedPortsUdp, [53]);
    assert.deepEqual(c.instanceAttributes, { stack: "prod" });
    assert.deepEqual(c.availableLoggingDrivers, ["json-file", "syslog"]);
    assert.deepEqual(c.dynamicHostPortRange, { first: 40000, last: 40100 });
    assert.equal(c.imagePullBehavior, "prefer-cached");
    assert.equal(c.disablePrivileged, true);
    assert.equal(c.availabilityZone, "lab-1a");
  });

  it("names the variable, its source and the bad value, for every bad value at once", () => {
    const problems = problemsOf({
      env: { ECS_CONTAINER_STOP_TIMEOUT: "30", ECS_RESERVED_PORTS: "22,80" },
      fileText: "ECS_IMAGE_PULL_BEHAVIOR=sometimes",
    });
    assert.deepEqual(problems, [
      'ECS_RESERVED_PORTS (environment): expected a JSON array of port numbers (1-65535), e.g. [22, 2375], got "22,80"',
      'ECS_CONTAINER_STOP_TIMEOUT (environment): expected a duration such as "30s", "3h" or "1m30s", at most 596h, got "30"',
      'ECS_IMAGE_PULL_BEHAVIOR (file): expected one of default, always, once, prefer-cached, got "sometimes"',
    ]);
  });

  it("checks the rules between variables", () => {
    assert.deepEqual(problemsOf({ env: { AWS_ACCESS_KEY_ID: "AKID" } }), ["AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"]);
    assert.deepEqual(problemsOf({ env: { ECS_ENGINE_AUTH_DATA: "{}" } }), ["ECS_ENGINE_AUTH_TYPE and ECS_ENGINE_AUTH_DATA must be set together"]);
    const ports = JSON.stringify(Array.from({ length: 101 }, (_, i) => 1000 + i));
    assert.match(problemsOf({ env: { ECS_RESERVED_PORTS: ports } })[0] ?? "", /at most 100 reserved ports/);
  });

  it("returns a deeply frozen config", () => {
    const c = loadAgentConfig({ env: { ECS_INSTANCE_ATTRIBUTES: '{"a":"b"}' } });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.reservedPorts) && Object.isFrozen(c.instanceAttributes) && Object.isFrozen(c.settings));
    assert.throws(() => (c.reservedPorts as number[]).push(1), TypeError);
  });
});

describe("loadAgentConfig: ECS_BACKEND_HOST, one URL or several", () => {
  it("takes one URL as before, from --endpoint or the environment", () => {
    assert.deepEqual(loadAgentConfig({ env: { ECS_BACKEND_HOST: "http://127.0.0.1:4400" } }).endpoints, ["http://127.0.0.1:4400"]);
    assert.deepEqual(loadAgentConfig({ flags: { ECS_BACKEND_HOST: "https://berth.example:4400/" } }).endpoints, ["https://berth.example:4400/"]);
    assert.deepEqual(loadAgentConfig({}).endpoints, [], "unset: none (the agent refuses to start)");
  });

  it("takes several, comma-separated, in order, spaces around commas ignored", () => {
    const c = loadAgentConfig({ env: { ECS_BACKEND_HOST: "http://a:4400, http://b:4400 ,http://10.0.0.3:4400" } });
    assert.deepEqual(c.endpoints, ["http://a:4400", "http://b:4400", "http://10.0.0.3:4400"]);
    assert.ok(describeAgentConfig(c).includes("ECS_BACKEND_HOST=http://a:4400,http://b:4400,http://10.0.0.3:4400 (environment)"));
  });

  const expected = "ECS_BACKEND_HOST (environment): expected comma-separated http:// or https:// URLs, e.g. http://a:4400,http://b:4400; ";
  const cases: Array<[string, string]> = [
    ["http://a:4400,", "URL 2 of 2 is empty"],
    ["http://a:4400,,http://b:4400", "URL 2 of 3 is empty"],
    ["a:4400", "the URL is not http:// or https://"],
    ["http://a:4400,not a url", "URL 2 of 2 is not a URL"],
    ["http://a:4400,ftp://b", "URL 2 of 2 is not http:// or https://"],
    ["http://a:4400,https://b:4400", "URLs 1 and 2 differ in scheme (http:// and https://): all must share one"],
    ["http://a:4400,http://b:4400,http://a:4400/", "URLs 1 and 3 are the same"],
    ["http://a:4400,http://admin:hunter2@b:4400", "URL 2 of 2 has a user name or password in it (the agent signs its requests and sends neither)"],
  ];
  for (const [value, problem] of cases) {
    it(`refuses ${JSON.stringify(value)}: ${problem}`, () => {
      assert.deepEqual(problemsOf({ env: { ECS_BACKEND_HOST: value } }), [expected + problem]);
    });
  }

  it("never echoes the value in an error (a URL can hold a password)", () => {
    for (const value of ["http://admin:hunter2@b:4400", "admin:hunter2@b:4400", "http://a:4400,https://admin:hunter2@b"]) {
      const [problem] = problemsOf({ env: { ECS_BACKEND_HOST: value } });
      assert.ok(problem !== undefined && !problem.includes("hunter2") && !problem.includes("admin"), problem);
    }
  });
});

describe("loadAgentConfig: secrets", () => {
  const env = {
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI-secret",
    AWS_SESSION_TOKEN: "session-token-secret",
    ECS_ENGINE_AUTH_TYPE: "docker",
    ECS_ENGINE_AUTH_DATA: '{"https://registry":{"password":"registry-secret"}}',
  };
  const secrets = ["wJalrXUtnFEMI-secret", "session-token-secret", "registry-secret"];

  it("gives secrets to whoever asks explicitly", () => {
    const c = loadAgentConfig({ env });
    assert.equal(c.credentials?.accessKeyId, "AKIDEXAMPLE");
    assert.equal(c.credentials?.secretAccessKey.reveal(), "wJalrXUtnFEMI-secret");
    assert.equal(c.credentials?.sessionToken?.reveal(), "session-token-secret");
    assert.equal(c.engineAuth?.type, "docker");
  });

  it("never prints them: description, JSON, inspection", () => {
    const c = loadAgentConfig({ env });
    const printed = [describeAgentConfig(c).join("\n"), JSON.stringify(c), inspect(c, { depth: 10 })];
    for (const text of printed) for (const secret of secrets) assert.ok(!text.includes(secret), `leaked ${secret}`);
    assert.ok(describeAgentConfig(c).includes("AWS_SECRET_ACCESS_KEY=[redacted] (environment)"));
    assert.ok(describeAgentConfig(c).includes("AWS_ACCESS_KEY_ID=AKIDEXAMPLE (environment)"));
  });

  it("never echoes a secret's bad value in an error", () => {
    const problems = problemsOf({ env: { ECS_ENGINE_AUTH_TYPE: "docker", ECS_ENGINE_AUTH_DATA: '{"password":"registry-secret"' } });
    assert.deepEqual(problems, ["ECS_ENGINE_AUTH_DATA (environment): expected a JSON object"]);
  });
});

describe("describeAgentConfig", () => {
  it("prints every variable once, in table order, units in the variables' own syntax", () => {
    const lines = describeAgentConfig(loadAgentConfig({ env: { ECS_CONTAINER_STOP_TIMEOUT: "90s" }, ephemeralPortRange: { first: 32768, last: 60999 } }));
    assert.deepEqual(
      lines.map((l) => l.split("=")[0]),
      variableNames.map(String),
    );
    assert.ok(lines.includes("ECS_CLUSTER=default (default)"));
    assert.ok(lines.includes("ECS_CONTAINER_STOP_TIMEOUT=1m30s (environment)"));
    assert.ok(lines.includes("ECS_RESERVED_PORTS=[22,2375,2376,51678,51679] (default)"));
    assert.ok(lines.includes("ECS_DYNAMIC_HOST_PORT_RANGE=32768-60999 (default)"));
    assert.ok(lines.includes("ECS_BACKEND_HOST=(unset) (default)"));
  });
});

describe("variables table", () => {
  it("has unique flag names", () => {
    const flags = Object.values(agentVariables).flatMap((v) => ("flag" in v && v.flag ? [v.flag] : []));
    assert.equal(new Set(flags).size, flags.length);
  });

  it("compiles with every variable unset (every non-optional one has a default)", () => {
    assert.doesNotThrow(() => compileAgentConfig(layerConfig({})));
  });
});

describe("parseIpLocalPortRange", () => {
  const cases: Array<[string, unknown]> = [
    ["32768\t60999\n", { first: 32768, last: 60999 }],
    ["1024 65535", { first: 1024, last: 65535 }],
    ["60999 32768", undefined],
    ["", undefined],
    ["a b", undefined],
  ];
  for (const [text, range] of cases) it(JSON.stringify(text), () => assert.deepEqual(parseIpLocalPortRange(text), range));
});
