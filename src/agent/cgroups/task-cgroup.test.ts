import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { oomKillCount, taskCgroupPath, taskCgroupSettings } from "./task-cgroup.js";

describe("task cgroups", () => {
  it("sets memory.limit_in_bytes to the task memory and a CFS quota of cpu/1024 CPUs", () => {
    assert.deepEqual(taskCgroupSettings({ cpu: 256, memoryMiB: 512 }), [
      { controller: "memory", file: "memory.limit_in_bytes", value: String(512 * 1024 * 1024) },
      { controller: "cpu", file: "cpu.cfs_period_us", value: "100000" },
      { controller: "cpu", file: "cpu.cfs_quota_us", value: "25000" },
      { controller: "cpu", file: "cpu.shares", value: "256" },
    ]);
    const quota = (cpu: number) => taskCgroupSettings({ cpu }).find((s) => s.file === "cpu.cfs_quota_us")?.value;
    assert.equal(quota(1024), "100000", "1024 units: one CPU");
    assert.equal(quota(4096), "400000", "4 vCPU: four CPUs' worth of every period");
    assert.equal(quota(2), "1000", "never below the kernel's 1 ms minimum");
  });

  it("sets nothing for a size the task does not have", () => {
    assert.deepEqual(taskCgroupSettings({}), []);
    assert.deepEqual(taskCgroupSettings({ memoryMiB: 256 }).map((s) => s.controller), ["memory"]);
    assert.deepEqual(new Set(taskCgroupSettings({ cpu: 512 }).map((s) => s.controller)), new Set(["cpu"]));
  });

  it("is /berth/<task id>, and reads the kernel's OOM kill count", () => {
    assert.equal(taskCgroupPath("arn:aws:ecs:us-east-1:1:task/c/0123abcd"), "/berth/0123abcd");
    assert.equal(oomKillCount("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), 3);
    assert.equal(oomKillCount("oom_kill_disable 0\nunder_oom 0\n"), 0, "kernels before 4.13 do not count");
  });
});
