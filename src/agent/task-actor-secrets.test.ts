import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type Docker from "dockerode";
import type { TaskSpec } from "../agent-protocol/messages.js";
import type { SecretsOutcome } from "./secrets/resolve-secrets.js";
import { parseAwslogsLabel, type AwslogsTarget } from "./logs/awslogs-label.js";
import { TaskActor, type TaskActorDeps } from "./task-actor.js";
import { aContainer, aTaskSpec, Host } from "./task-test-kit.js";

const failure = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /app/missing";

const withSecrets = aTaskSpec({
  executionRoleArn: "arn:aws:iam::123456789012:role/exec",
  containers: [
    aContainer("app", {
      image: "registry.example.com/team/app:1",
      environment: [{ name: "DB_PASSWORD", value: "from-environment" }, { name: "PLAIN", value: "1" }],
      secrets: [{ name: "DB_PASSWORD", valueFrom: "/app/db-password" }, { name: "ECS_CONTAINER_METADATA_URI_V4", valueFrom: "/app/sneaky" }],
      logConfiguration: { logDriver: "splunk", options: { "splunk-url": "https://splunk.example.com" }, secretOptions: [{ name: "splunk-token", valueFrom: "/app/splunk-token" }] },
      repositoryCredentials: { credentialsParameter: "app/registry" },
    }),
    aContainer("sidecar"),
  ],
});

const resolved: SecretsOutcome = {
  ok: true,
  containers: new Map([
    [
      "app",
      {
        environment: { DB_PASSWORD: "s3cr3t", ECS_CONTAINER_METADATA_URI_V4: "http://evil/" },
        logOptions: { "splunk-token": "t0k3n" },
        registryCredentials: { username: "ru", password: "rp" },
      },
    ],
  ]),
};

/** One task on a fresh host, with the pulls' credentials recorded, run until nothing moves. */
async function run(spec: TaskSpec, deps: Partial<TaskActorDeps>, host = new Host()) {
  const pulls: Array<{ image: string; auth: Docker.AuthConfig | undefined }> = [];
  const pull = host.docker.pullImage.bind(host.docker);
  host.docker.pullImage = (image, options: Parameters<typeof pull>[1] & { auth?: Docker.AuthConfig }) => {
    pulls.push({ image, auth: options.auth });
    return pull(image, options);
  };
  const actor = new TaskActor(spec, host.deps({ registryAuth: () => Promise.resolve({ username: "AWS", password: "ecr", serveraddress: "berth" }), ...deps }));
  const events = new AbortController();
  host.route(actor, events.signal);
  actor.desire(spec);
  await host.settle(() => [actor]);
  events.abort();
  return { host, pulls };
}

const resolving = (outcome: SecretsOutcome, asked: TaskSpec[] = []): Partial<TaskActorDeps> => ({
  resolveSecrets: (spec) => {
    asked.push(spec);
    return Promise.resolve(outcome);
  },
});

describe("task actor: secrets", () => {
  it("creates each container with its secrets over its environment, the agent's own variables over both, and secret log options", async () => {
    const asked: TaskSpec[] = [];
    const { host } = await run(withSecrets, resolving(resolved, asked));
    assert.deepEqual(asked.map((s) => s.taskArn), [withSecrets.taskArn], "resolved once, for the task");
    assert.equal(host.last().status, "RUNNING");
    const app = host.docker.specOf("app")!;
    const env = Object.fromEntries(app.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    assert.equal(env.DB_PASSWORD, "s3cr3t");
    assert.equal(env.PLAIN, "1");
    assert.match(env.ECS_CONTAINER_METADATA_URI_V4 ?? "", /^http:\/\/172\.17\.0\.1:51679\/v4\//, "the agent's variable wins");
    assert.deepEqual(app.HostConfig.LogConfig, { Type: "splunk", Config: { "splunk-url": "https://splunk.example.com", "splunk-token": "t0k3n" } });
    assert.ok(!host.docker.specOf("sidecar")!.Env.some((e) => e.startsWith("DB_PASSWORD=")), "another container's secrets stay its own");
  });

  it("pulls with repositoryCredentials' secret for that container, and as before for the others", async () => {
    const { pulls } = await run(withSecrets, resolving(resolved));
    assert.deepEqual(pulls, [
      { image: "registry.example.com/team/app:1", auth: { username: "ru", password: "rp", serveraddress: "registry.example.com" } },
      { image: "berth-test:latest", auth: { username: "AWS", password: "ecr", serveraddress: "berth" } },
    ]);
  });

  it("stops a task whose secrets cannot be had before it pulls or creates anything: TaskFailedToStart with the reason", async () => {
    const { host, pulls } = await run(withSecrets, resolving({ ok: false, reason: failure }));
    assert.deepEqual(host.statuses(), ["PENDING", "STOPPED"]);
    assert.deepEqual([host.last().stopCode, host.last().reason], ["TaskFailedToStart", failure]);
    assert.deepEqual([pulls, host.calls("create")], [[], []]);
    assert.equal(host.last().pullStartedAtMs, undefined);
  });

  it("creates no pause container for an awsvpc task whose secrets cannot be had", async () => {
    const spec: TaskSpec = { ...withSecrets, networkMode: "awsvpc", awsvpc: { attachmentId: "att-1", subnet: "subnet-a", securityGroups: [], assignPublicIp: "DISABLED" } };
    const { host } = await run(spec, resolving({ ok: false, reason: failure }));
    assert.deepEqual([host.last().reason, host.calls("create"), host.calls("ensure-network")], [failure, [], []]);
  });

  it("fails a task with secrets on an agent that cannot resolve them, and never asks for a task without", async () => {
    const { host } = await run(withSecrets, {});
    assert.match(host.last().reason ?? "", /^ResourceInitializationError: .*this agent cannot retrieve secrets$/);
    const asked: TaskSpec[] = [];
    const plain = await run(aTaskSpec(), resolving({ ok: false, reason: failure }, asked));
    assert.deepEqual([plain.host.last().status, asked.length], ["RUNNING", 0]);
  });

  it("readies an awslogs container's log, before it starts, from its created container's labels: with the options given as secretOptions", async () => {
    const spec = aTaskSpec({
      executionRoleArn: "arn:aws:iam::123456789012:role/exec",
      containers: [
        aContainer("app", {
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": "/ecs/app", "awslogs-region": "us-east-1" },
            secretOptions: [{ name: "awslogs-stream-prefix", valueFrom: "/app/prefix" }],
          },
        }),
      ],
    });
    const outcome: SecretsOutcome = { ok: true, containers: new Map([["app", { environment: {}, logOptions: { "awslogs-stream-prefix": "from-secret" } }]]) };
    const readied: (AwslogsTarget | undefined)[] = [];
    const host = new Host();
    const beforeStart = async (dockerId: string, labels: Readonly<Record<string, string>>): Promise<void> => {
      // The labels it is handed are the ones the container was created with.
      assert.deepEqual(labels, (await host.docker.inspectContainer(dockerId)).Config?.Labels);
      readied.push(parseAwslogsLabel(labels));
    };
    await run(spec, { ...resolving(outcome), beforeStart }, host);
    assert.equal(host.last().status, "RUNNING");
    const taskId = spec.taskArn.slice(spec.taskArn.lastIndexOf("/") + 1);
    assert.deepEqual(readied.map((t) => [t?.group, t?.stream]), [["/ecs/app", `from-secret/app/${taskId}`]]);
  });

  it("reports no secret value to the control plane", async () => {
    const { host } = await run(withSecrets, resolving(resolved));
    const reported = JSON.stringify(host.reports);
    for (const value of ["s3cr3t", "t0k3n", "rp"]) assert.ok(!reported.includes(`"${value}"`) && !reported.includes(`=${value}`), value);
  });
});
