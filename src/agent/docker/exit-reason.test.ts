import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { containerOutcome, healthStatus, outOfMemoryReason, type InspectedState } from "./exit-reason.js";

const never = "0001-01-01T00:00:00Z";
const aState = (overrides: Partial<InspectedState> = {}): InspectedState => ({
  Status: "exited",
  Running: false,
  OOMKilled: false,
  ExitCode: 0,
  Error: "",
  StartedAt: "2026-11-21T10:00:00.123456789Z",
  FinishedAt: "2026-11-21T10:00:05Z",
  ...overrides,
});

describe("containerOutcome", () => {
  const cases: Array<[string, Partial<InspectedState>, Partial<ReturnType<typeof containerOutcome>>]> = [
    ["a clean exit", { ExitCode: 0 }, { status: "STOPPED", exitCode: 0, reason: undefined }],
    ["a failing exit", { ExitCode: 3 }, { status: "STOPPED", exitCode: 3, reason: undefined }],
    ["an OOM kill", { ExitCode: 137, OOMKilled: true }, { status: "STOPPED", exitCode: 137, reason: outOfMemoryReason }],
    [
      "a Docker state error",
      { ExitCode: 128, Error: "OCI runtime create failed" },
      { status: "STOPPED", exitCode: 128, reason: "DockerStateError: OCI runtime create failed" },
    ],
    ["created, never started", { Status: "created", StartedAt: never, FinishedAt: never }, { status: "PENDING", exitCode: undefined }],
    ["running", { Status: "running", Running: true, FinishedAt: never }, { status: "RUNNING", exitCode: undefined, reason: undefined }],
    ["paused counts as running", { Status: "paused", Running: true }, { status: "RUNNING" }],
    ["dead", { Status: "dead", ExitCode: 137 }, { status: "STOPPED", exitCode: 137 }],
    ["exited without ever starting has no exit code", { StartedAt: never, ExitCode: 127 }, { status: "STOPPED", exitCode: undefined }],
    ["an unknown Docker status falls back on Running", { Status: "weird", Running: true }, { status: "RUNNING" }],
    ["an OOM flag on a running container is not a reason yet", { Status: "running", Running: true, OOMKilled: true }, { reason: undefined }],
  ];
  for (const [title, state, expected] of cases) {
    it(title, () => {
      const outcome = containerOutcome(aState(state));
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(outcome[key as keyof typeof outcome], value, key);
      }
    });
  }

  it("parses start and finish times, treating Docker's zero time as absent", () => {
    const o = containerOutcome(aState());
    assert.equal(o.startedAt?.toISOString(), "2026-11-21T10:00:00.123Z");
    assert.equal(o.finishedAt?.toISOString(), "2026-11-21T10:00:05.000Z");
    const created = containerOutcome(aState({ Status: "created", StartedAt: never, FinishedAt: never }));
    assert.equal(created.startedAt, undefined);
    assert.equal(created.finishedAt, undefined);
  });
});

describe("healthStatus", () => {
  const cases: Array<[string | undefined, string]> = [
    ["healthy", "HEALTHY"],
    ["unhealthy", "UNHEALTHY"],
    ["starting", "UNKNOWN"],
    ["none", "UNKNOWN"],
    [undefined, "UNKNOWN"],
  ];
  for (const [docker, ecs] of cases) {
    it(`${docker ?? "no health check"} → ${ecs}`, () => {
      assert.equal(healthStatus({ Health: docker === undefined ? undefined : { Status: docker } }), ecs);
    });
  }
});
