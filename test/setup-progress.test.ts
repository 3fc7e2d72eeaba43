import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const progressScript = resolve(import.meta.dirname, "../../scripts/progress.sh");

/** Runs a shell snippet with scripts/progress.sh sourced; heartbeats every second instead of five. */
async function withProgress(snippet: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run("sh", ["-c", `. "${progressScript}"; ${snippet}`], { env: { PATH: process.env.PATH ?? "", BERTH_PROGRESS_EVERY: "1" } });
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    return { code: err.code ?? -1, stderr: err.stderr ?? "" };
  }
}

describe("scripts/progress.sh: setup's steps say what they do and how long they took", () => {
  it("a long step says it is still running, with its last output line, then how long it took", async () => {
    const out = await withProgress(`run_step "build: slow" sh -c 'echo compiling x; sleep 3'`);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stderr.trim().split("\n");
    assert.equal(lines[0], "setup: build: slow…");
    assert.ok(lines.some((l) => /^setup: build: slow: still running \(\d+\.\d s\): compiling x$/.test(l)), out.stderr);
    assert.match(lines.at(-1) ?? "", /^setup: build: slow: done in 3\.\d s$/);
  });

  it("a failing step shows the end of its output and stops the script", async () => {
    const out = await withProgress(`run_step "dependencies: npm ci" sh -c 'echo gyp ERR! build error; exit 1'; echo unreachable >&2`);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /gyp ERR! build error\nsetup: error: dependencies: npm ci failed\n$/);
    assert.doesNotMatch(out.stderr, /unreachable/);
  });
});
