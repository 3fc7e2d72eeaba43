import { mkdir, readdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CgroupSetting } from "./task-cgroup.js";
import { oomKillCount } from "./task-cgroup.js";

/** What the task actor needs of a task cgroup: made before its containers, asked after an exit, removed after the task. */
export interface TaskCgroups {
  /** Creates the cgroup under each controller it sets, with its settings. */
  create(path: string, settings: readonly CgroupSetting[]): Promise<void>;
  /**
   * Whether the task hit its memory limit: the kernel counts an OOM kill in the cgroup of the
   * process it killed (the container's own, gone with it), so the task's cgroup tells only that its
   * limit was reached (memory.failcnt), or an OOM kill of its own (oom_kill).
   */
  hitMemoryLimit(path: string): Promise<boolean>;
  /** Removes the cgroup; a cgroup that still holds processes (or is gone) is left as it is. */
  remove(path: string): Promise<void>;
}

/**
 * Task cgroups on the cgroup v1 hierarchy Docker's cgroupfs driver uses (`docker info`: Cgroup
 * Driver cgroupfs, Version 1), one directory per controller under `root` (/sys/fs/cgroup).
 */
export class CgroupV1 implements TaskCgroups {
  constructor(private readonly root = "/sys/fs/cgroup") {}

  async create(path: string, settings: readonly CgroupSetting[]): Promise<void> {
    for (const controller of new Set(settings.map((s) => s.controller))) await mkdir(this.dir(controller, path), { recursive: true });
    for (const s of settings) await writeFile(join(this.dir(s.controller, path), s.file), s.value);
  }

  async hitMemoryLimit(path: string): Promise<boolean> {
    const read = (file: string) => readFile(join(this.dir("memory", path), file), "utf8").catch(() => "");
    return oomKillCount(await read("memory.oom_control")) > 0 || Number((await read("memory.failcnt")).trim() || "0") > 0;
  }

  /**
   * Removes the cgroup from every hierarchy: runc made the task's path under each controller it
   * puts containers in (pids, blkio, freezer…), not only the two the agent limits.
   */
  async remove(path: string): Promise<void> {
    const controllers = await readdir(this.root).catch(() => [] as string[]);
    for (const controller of controllers) {
      await rmdir(this.dir(controller, path)).catch(leftAsItIs);
      // The shared parent (/berth) goes with its last task; another task's cgroup keeps it.
      await rmdir(this.dir(controller, dirname(path))).catch(leftAsItIs);
    }
  }

  /** Whether this host has the v1 memory and cpu controllers this class writes to. */
  async available(): Promise<boolean> {
    const probe = async (c: string) => readFile(join(this.root, c, "cgroup.procs"), "utf8").then(() => true, () => false);
    return (await probe("memory")) && (await probe("cpu"));
  }

  private dir(controller: string, path: string): string {
    return join(this.root, controller, path);
  }
}

/** A cgroup that is gone, or still holds processes or children, is left as it is. */
function leftAsItIs(err: unknown): void {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== "ENOENT" && code !== "EBUSY" && code !== "ENOTEMPTY" && code !== "ENOTDIR") throw err;
}
