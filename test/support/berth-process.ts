import { spawn, type ChildProcessByStdio } from "node:child_process";
import { createServer, type Server } from "node:net";
import type { Readable } from "node:stream";
import { berthBin } from "./berth-server.js";

/**
 * A `berth` command as a child process, with its stdout and stderr (pino's log) captured: for
 * tests of what a command prints, logs and how it exits. `stop()` kills it (SIGKILL after 5 s).
 */
export class BerthProcess {
  stdout = "";
  stderr = "";
  /** Bytes written to stderr (the log) so far. */
  logBytes = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly startedAt = performance.now();

  constructor(args: readonly string[], env: Readonly<Record<string, string>> = {}, { keepLog = true } = {}) {
    this.child = spawn(process.execPath, [berthBin, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    this.child.stdout.on("data", (c: Buffer) => (this.stdout += c.toString()));
    this.child.stderr.on("data", (c: Buffer) => {
      this.logBytes += c.length;
      if (keepLog) this.stderr += c.toString();
    });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => resolve({ code, signal, afterMs: performance.now() - this.startedAt })),
    );
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits first. */
  waitForOutput(pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(this.stdout);
        if (m) {
          this.child.stdout.off("data", check);
          resolve(m);
        }
      };
      this.child.stdout.on("data", check);
      check();
      void this.exited.then(({ code }) => reject(new Error(`berth exited (${code}) before printing ${pattern}: ${this.stdout}${this.stderr}`)));
    });
  }

  /** For `berth server`: resolves with its endpoint once it listens. */
  async endpoint(): Promise<string> {
    return (await this.waitForOutput(/berth server (http:\/\/\S+)/))[1]!;
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const escalate = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    this.child.kill(signal);
    await this.exited;
    clearTimeout(escalate);
  }
}

/** Something else listening on a port of 127.0.0.1 (0: one the OS picks); `close()` frees it. */
export async function holdPort(port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
