import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { advance, decodeCursor, encodeCursor, FrameDecoder, sinceOf } from "./docker-lines.js";
import { awslogsLabel, parseAwslogsLabel } from "./awslogs-label.js";

const frame = (stream: 1 | 2, payload: string): Buffer => {
  const body = Buffer.from(payload, "utf8");
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

describe("Docker's multiplexed log stream", () => {
  it("decodes frames split anywhere across chunks, stdout and stderr alike", () => {
    const all = Buffer.concat([frame(1, "2026-11-29T07:00:00.123456789Z line 1\n"), frame(2, "2026-11-29T07:00:00.5Z oops\n"), frame(1, "2026-11-29T07:00:01Z \n")]);
    for (const cut of [1, 5, 8, 20, all.length - 3]) {
      const d = new FrameDecoder();
      const lines = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      assert.deepEqual(lines.map((l) => [l.time, l.message]), [["2026-11-29T07:00:00.123456789Z", "line 1"], ["2026-11-29T07:00:00.5Z", "oops"], ["2026-11-29T07:00:01Z", ""]]);
      assert.equal(lines[0]!.timestampMs, Date.parse("2026-11-29T07:00:00.123Z"));
    }
  });

  it("since: Unix seconds with nine digits of nanoseconds, whatever Docker trimmed", () => {
    assert.equal(sinceOf("2026-11-29T07:00:00.5Z"), `${Date.parse("2026-11-29T07:00:00Z") / 1000}.500000000`);
    assert.equal(sinceOf("2026-11-29T07:00:00Z"), `${Date.parse("2026-11-29T07:00:00Z") / 1000}.000000000`);
  });

  it("a cursor counts the lines shipped at its exact time, and reads back", () => {
    const l = (time: string) => ({ time, timestampMs: 0, message: "" });
    let c = advance(undefined, l("a"));
    c = advance(c, l("a"));
    assert.deepEqual(c, { time: "a", count: 2 });
    assert.deepEqual(advance(c, l("b")), { time: "b", count: 1 });
    assert.deepEqual(decodeCursor(encodeCursor(c)), c);
    assert.equal(decodeCursor(encodeCursor(undefined)), undefined);
  });
});

describe("the awslogs label", () => {
  it("names the stream prefix/container-name/task-id, and the container's id without a prefix", () => {
    const arn = "arn:aws:ecs:us-east-1:123456789012:task/c/0f1e2d3c4b5a";
    const withPrefix = awslogsLabel({ name: "web", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/app", "awslogs-stream-prefix": "p", "awslogs-create-group": "true" } } }, arn)!;
    assert.deepEqual(parseAwslogsLabel(withPrefix), { group: "/ecs/app", stream: "p/web/0f1e2d3c4b5a", createGroup: true, datetimeFormat: undefined, multilinePattern: undefined, executionRoleOf: undefined });
    const without = awslogsLabel({ name: "web", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/app", "awslogs-multiline-pattern": "^INFO" } } }, arn)!;
    assert.deepEqual(parseAwslogsLabel(without), { group: "/ecs/app", stream: undefined, createGroup: false, datetimeFormat: undefined, multilinePattern: "^INFO", executionRoleOf: undefined });
    assert.equal(awslogsLabel({ name: "web", logConfiguration: { logDriver: "json-file" } }, arn), undefined);
    // A task with an execution role: its lines go out as that role, asked for by the task's ARN.
    const asRole = awslogsLabel({ name: "web", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/app" } } }, arn, "arn:aws:iam::123456789012:role/exec")!;
    assert.equal(parseAwslogsLabel(asRole)?.executionRoleOf, arn);
    assert.equal(parseAwslogsLabel({ "berth.awslogs": "{not json" }), undefined);
  });
});
