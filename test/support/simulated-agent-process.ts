import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const script = resolve(import.meta.dirname, "../../src/agent/simulated/standalone.js");

/** A SIMULATED agent in a process of its own (src/agent/simulated/standalone.ts), in its own process group. */
export class SimulatedAgentProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly containerInstanceArn: string,
  ) {}

  static async start(server: { readonly endpoint: string; readonly credentialsFile: string }, cluster: string, o: { cpu: number; memory: number }): Promise<SimulatedAgentProcess> {
    const child = spawn(process.execPath, [script], {
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BERTH_ENDPOINT: server.endpoint, BERTH_CREDENTIALS: server.credentialsFile, BERTH_CLUSTER: cluster, BERTH_CPU: String(o.cpu), BERTH_MEMORY: String(o.memory) },
    });
    const arn = await new Promise<string>((done, fail) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /instance (\S+)\n/.exec(out);
        if (m) done(m[1]!);
      });
      child.once("exit", (code) => fail(new Error(`simulated agent exited with ${code}: ${out}`)));
    });
    return new SimulatedAgentProcess(child, arn);
  }

  /** Sends a signal to the agent's process group (SIGSTOP freezes it, SIGCONT thaws it). */
  signal(signal: NodeJS.Signals): void {
    if (this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) process.kill(-this.child.pid, signal);
  }

  /** Kills the process group (thawing it first, so that the kill is delivered) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.signal("SIGKILL");
    this.signal("SIGCONT");
    await exited;
  }
}
