import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerCreateSpec } from "../docker/container-config.js";
import { awslogsLabelKey } from "./awslogs-label.js";

describe("an awslogs container as Docker creates it", () => {
  it("runs with json-file (Docker keeps its lines for the agent) and carries the shipping label; other drivers are passed through", () => {
    const identity = { taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c/abc123", containerName: "web", family: "f", revision: 1, cluster: "c" };
    const awslogs = containerCreateSpec({
      container: { name: "web", image: "x", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/g", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "p" } } },
      identity,
      dockerName: "ecs-f-1-web-1",
      defaultStopTimeoutSeconds: 30,
    });
    assert.equal(awslogs.HostConfig.LogConfig?.Type, "json-file");
    assert.equal(awslogs.HostConfig.LogConfig?.Config["awslogs-group"], undefined);
    assert.deepEqual(JSON.parse(awslogs.Labels?.[awslogsLabelKey] ?? "{}"), { group: "/g", stream: "p/web/abc123", createGroup: false });
    const nonBlocking = containerCreateSpec({
      container: { name: "web", image: "x", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/g", mode: "non-blocking", "max-buffer-size": "4m" } } },
      identity,
      dockerName: "n",
      defaultStopTimeoutSeconds: 30,
    });
    assert.deepEqual(nonBlocking.HostConfig.LogConfig, { Type: "json-file", Config: { "max-size": "64m", "max-file": "4", mode: "non-blocking", "max-buffer-size": "4m" } });
    const syslog = containerCreateSpec({ container: { name: "web", image: "x", logConfiguration: { logDriver: "syslog", options: { tag: "t" } } }, identity, dockerName: "n", defaultStopTimeoutSeconds: 30 });
    assert.deepEqual(syslog.HostConfig.LogConfig, { Type: "syslog", Config: { tag: "t" } });
    assert.equal(syslog.Labels?.[awslogsLabelKey], undefined);
  });
});
