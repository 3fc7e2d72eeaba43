import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Agent as HttpsAgent } from "node:https";
import { ECSClient } from "@aws-sdk/client-ecs";
import { parseCredentialsFile, type AccessKey } from "../../src/auth/credentials-file.js";
import { readFileSync } from "node:fs";
import { testSdkRetry } from "./sdk-retry.js";

const run = promisify(execFile);
export const berthBin = resolve(import.meta.dirname, "../../src/cli/main.js");
/** The real AWS CLI v2 from Debian: another `aws` may come earlier on PATH. */
export const awsCli = "/usr/bin/aws";

/** A real `berth server` process on a free port with its own data directory. */
export class BerthServer {
  private child?: ChildProcess;
  endpoint = "";
  accessKey!: AccessKey;

  private constructor(
    readonly dataDir: string,
    private readonly extraArgs: readonly string[],
    private readonly launchWith: { readonly nodeArgs?: readonly string[]; readonly bin?: string } = {},
  ) {}

  /** Starts `berth server`; `extraArgs` are more flags, e.g. ["--agent-lost-after", "3s"]. */
  static async start(dataDir = mkdtempSync(join(tmpdir(), "berth-e2e-")), extraArgs: readonly string[] = [], launchWith: { readonly nodeArgs?: readonly string[]; readonly bin?: string } = {}): Promise<BerthServer> {
    const server = new BerthServer(dataDir, extraArgs, launchWith);
    await server.launch();
    return server;
  }

  /** Whether the server process is still alive (it has neither exited nor been killed). */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The server process's id, for reading its resource use. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get credentialsFile(): string {
    return join(this.dataDir, "credentials");
  }

  private async launch(port = "0"): Promise<void> {
    const child = spawn(process.execPath, [...(this.launchWith.nodeArgs ?? []), this.launchWith.bin ?? berthBin, "server", "--port", port, "--data-dir", this.dataDir, "--log-level", "warn", ...this.extraArgs], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.child = child;
    this.endpoint = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /berth server (https?:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`berth server exited with ${code} before listening: ${out}`)));
    });
    this.accessKey = parseCredentialsFile(readFileSync(this.credentialsFile, "utf8"))!;
  }

  /** An ECS client of the official AWS SDK v3 pointed at this server (us-east-1 unless `region`). */
  ecs(overrides: { secretAccessKey?: string; region?: string } = {}): ECSClient {
    const { region = "us-east-1", ...credentials } = overrides;
    return new ECSClient({
      endpoint: this.endpoint,
      region,
      credentials: { ...this.accessKey, ...credentials },
      ...testSdkRetry,
      ...(this.caBundle !== undefined && { requestHandler: { httpsAgent: new HttpsAgent({ ca: readFileSync(this.caBundle) }) } }),
    });
  }

  /** For a server started with `--tls-cert`: the CA file its clients trust (the SDK client of {@link ecs}). */
  caBundle: string | undefined;

  /** Runs the real AWS CLI against this server (in us-east-1 unless `args` name a `--region`); resolves with exit code, stdout and stderr. */
  async aws(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const region = args.includes("--region") ? [] : ["--region", "us-east-1"];
    try {
      const { stdout, stderr } = await run(awsCli, ["--endpoint-url", this.endpoint, ...region, "--output", "json", ...args], {
        env: { ...process.env, AWS_SHARED_CREDENTIALS_FILE: this.credentialsFile, AWS_CONFIG_FILE: "/dev/null", AWS_PAGER: "", AWS_PROFILE: "default" },
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
    }
  }

  /** Kills the process with the given signal and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }

  /** Sends a signal without waiting for anything (SIGSTOP freezes the server, SIGCONT thaws it). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child!.kill(signal);
  }

  /** Starts the server again on the same port and data directory; `whileDown` runs between stop and start. */
  async restart(whileDown?: () => Promise<void>): Promise<void> {
    const port = new URL(this.endpoint).port;
    await this.kill();
    await whileDown?.();
    await this.launch(port);
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
