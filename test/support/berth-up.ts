import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ECSClient } from "@aws-sdk/client-ecs";
import { parseCredentialsFile } from "../../src/auth/credentials-file.js";
import { docker, freePort } from "./berth-cluster.js";
import { berthBin } from "./berth-server.js";
import { testSdkRetry } from "./sdk-retry.js";

/**
 * A real `berth up` process: its own data dir, API port 0, free introspection and metadata ports
 * and a cluster of its own (containers are found by that cluster's label and removed by `stop()`).
 */
export class BerthUp {
  readonly dataDir = mkdtempSync(join(tmpdir(), "berth-up-"));
  readonly cluster = `up-${randomBytes(3).toString("hex")}`;
  endpoint = "";
  stdout = "";
  stderr = "";
  private child?: ChildProcess;

  /** Starts `berth up` with `extraArgs` and resolves once its banner names the endpoint. */
  static async start(extraArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<BerthUp> {
    const up = new BerthUp();
    const args = ["up", "--port", "0", "--data-dir", up.dataDir, "--cluster", up.cluster, "--introspection-port", String(await freePort()), "--metadata-port", String(await freePort()), ...extraArgs];
    const child = spawn(process.execPath, [berthBin, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    up.child = child;
    child.stderr.on("data", (c: Buffer) => (up.stderr += c.toString()));
    up.endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        up.stdout += c.toString();
        const m = /Berth is up: (http:\/\/\S+)/.exec(up.stdout);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`berth up exited with ${code}: ${up.stdout}${up.stderr}`)));
    });
    return up;
  }

  get credentialsFile(): string {
    return join(this.dataDir, "credentials");
  }

  ecs(): ECSClient {
    const key = parseCredentialsFile(readFileSync(this.credentialsFile, "utf8"))!;
    return new ECSClient({ endpoint: this.endpoint, region: "us-east-1", credentials: key, ...testSdkRetry });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const escalate = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(escalate);
          resolve();
        });
        child.kill("SIGTERM");
      });
    }
    const ids = (await docker("ps", "-aq", "--filter", `label=com.amazonaws.ecs.cluster=${this.cluster}`)).split("\n").filter(Boolean);
    if (ids.length > 0) await docker("rm", "-f", "-v", ...ids);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
