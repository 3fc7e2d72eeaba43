import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockDataDir } from "./data-dir-lock.js";

const tempDir = (): string => mkdtempSync(join(tmpdir(), "berth-lock-"));
const lockModule = new URL("./data-dir-lock.js", import.meta.url).href;

describe("agent data dir lock", () => {
  it("refuses a second holder, naming the first one's pid, until the first releases", () => {
    const dir = tempDir();
    try {
      const first = lockDataDir(dir, 4242);
      assert.throws(() => lockDataDir(dir, 4343), /another berth agent \(pid 4242\) is using the data dir .*--data-dir \(ECS_DATADIR\)/);
      first.release();
      const second = lockDataDir(dir, 4343);
      assert.equal(readFileSync(join(dir, "agent.pid"), "utf8").trim(), "4343");
      second.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is free again once its holder is SIGKILLed, whatever files it left", async () => {
    const dir = tempDir();
    // A process that takes the lock, says so, and waits to be killed.
    const holder = spawn(process.execPath, ["--input-type=module", "-e", `const { lockDataDir } = await import(${JSON.stringify(lockModule)}); lockDataDir(${JSON.stringify(dir)}); console.log("locked"); setInterval(() => {}, 1000);`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on("data", (c: Buffer) => c.toString().includes("locked") && resolve());
        holder.once("exit", (code) => reject(new Error(`holder exited with ${code}`)));
      });
      assert.throws(() => lockDataDir(dir), new RegExp(`\\(pid ${holder.pid}\\)`));
      await new Promise((r) => {
        holder.once("exit", r);
        holder.kill("SIGKILL");
      });
      assert.equal(readFileSync(join(dir, "agent.pid"), "utf8").trim(), String(holder.pid), "the dead holder's files are still there");
      lockDataDir(dir).release();
    } finally {
      holder.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is not blocked by a pid file of a process that is gone", () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, "agent.pid"), "999999999\n");
      lockDataDir(dir).release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
