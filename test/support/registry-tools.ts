import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BerthServer } from "./berth-server.js";

const run = promisify(execFile);

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; never throws for a non-zero exit (tests assert on refusals too). */
export async function runCommand(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, input?: string): Promise<RunResult> {
  if (input !== undefined) {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { env, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(input);
    });
  }
  try {
    const { stdout, stderr } = await run(cmd, [...args], { env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/**
 * The docker and skopeo CLIs pointed at a Berth server's registry, with their own Docker config
 * directory (so that `docker login` never touches the user's), and the images they made, which
 * `cleanUp` removes by name (other work shares this Docker engine: never everything).
 */
export class RegistryTools {
  readonly host: string;
  readonly dockerConfig = mkdtempSync(join(tmpdir(), "berth-docker-config-"));
  readonly work = mkdtempSync(join(tmpdir(), "berth-registry-work-"));
  private readonly images = new Set<string>();
  /** Ids of the images {@link randomImage} imported. */
  private readonly importedIds = new Set<string>();

  /** `awsArgs`: global AWS CLI options for {@link password}, e.g. `--ca-bundle` for a server over TLS. */
  constructor(
    readonly server: BerthServer,
    private readonly awsArgs: readonly string[] = [],
  ) {
    this.host = new URL(server.endpoint).host;
  }

  /** `aws ecr get-login-password`. */
  async password(): Promise<string> {
    const r = await this.server.aws(...this.awsArgs, "ecr", "get-login-password");
    if (r.code !== 0) throw new Error(`get-login-password failed: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** `aws ecr get-login-password | docker login --username AWS --password-stdin <host:port>`. */
  async login(password?: string): Promise<RunResult> {
    return this.docker(["login", "--username", "AWS", "--password-stdin", this.host], password ?? (await this.password()));
  }

  docker(args: readonly string[], input?: string): Promise<RunResult> {
    return runCommand("docker", args, { ...process.env, DOCKER_CONFIG: this.dockerConfig }, input);
  }

  skopeo(args: readonly string[]): Promise<RunResult> {
    return runCommand("skopeo", ["--insecure-policy", ...args]);
  }

  /** Remembers an image reference for {@link cleanUp}. */
  track(reference: string): string {
    this.images.add(reference);
    return reference;
  }

  /** `docker tag` and remember the new name. */
  async tag(source: string, target: string): Promise<void> {
    const r = await this.docker(["tag", source, this.track(target)]);
    if (r.code !== 0) throw new Error(`docker tag failed: ${r.stderr}`);
  }

  /**
   * A single-layer image of `bytes` random bytes, made without any registry: a tarball of one file
   * of random data, `docker import`ed under `name`.
   */
  async randomImage(name: string, bytes: number): Promise<void> {
    const dir = mkdtempSync(join(this.work, "image-"));
    writeFileSync(join(dir, "data.bin"), randomBytes(bytes));
    const tar = join(this.work, `${randomBytes(4).toString("hex")}.tar`);
    const t = await runCommand("tar", ["-cf", tar, "-C", dir, "data.bin"]);
    if (t.code !== 0) throw new Error(`tar failed: ${t.stderr}`);
    rmSync(dir, { recursive: true, force: true });
    const r = await this.docker(["import", "--change", 'CMD ["/data.bin"]', tar, this.track(name)]);
    rmSync(tar, { force: true });
    if (r.code !== 0) throw new Error(`docker import failed: ${r.stderr}`);
    this.importedIds.add(r.stdout.trim());
  }

  /**
   * An image of `layers` layers of `bytesPerLayer` random bytes each, made without any registry or
   * builder: a `docker save`-format archive (manifest.json, config, one tar per layer) `docker load`ed as `name`.
   */
  async multiLayerImage(name: string, layers: number, bytesPerLayer: number): Promise<void> {
    const dir = mkdtempSync(join(this.work, "archive-"));
    const diffIds: string[] = [];
    const layerPaths: string[] = [];
    for (let i = 0; i < layers; i++) {
      const content = mkdtempSync(join(this.work, "layer-"));
      writeFileSync(join(content, `data${i}.bin`), randomBytes(bytesPerLayer));
      mkdirSync(join(dir, `l${i}`));
      const t = await runCommand("tar", ["-cf", join(dir, `l${i}`, "layer.tar"), "-C", content, `data${i}.bin`]);
      rmSync(content, { recursive: true, force: true });
      if (t.code !== 0) throw new Error(`tar failed: ${t.stderr}`);
      diffIds.push(`sha256:${createHash("sha256").update(readFileSync(join(dir, `l${i}`, "layer.tar"))).digest("hex")}`);
      layerPaths.push(`l${i}/layer.tar`);
    }
    const config = JSON.stringify({
      architecture: process.arch === "arm64" ? "arm64" : "amd64",
      os: "linux",
      config: { Cmd: ["/data0.bin"] },
      rootfs: { type: "layers", diff_ids: diffIds },
      history: diffIds.map(() => ({ created_by: "berth test layer" })),
    });
    const configName = `${createHash("sha256").update(config).digest("hex")}.json`;
    writeFileSync(join(dir, configName), config);
    writeFileSync(join(dir, "manifest.json"), JSON.stringify([{ Config: configName, RepoTags: [this.track(name)], Layers: layerPaths }]));
    const archive = join(this.work, `${randomBytes(4).toString("hex")}.tar`);
    const t = await runCommand("tar", ["-cf", archive, "-C", dir, "."]);
    rmSync(dir, { recursive: true, force: true });
    if (t.code !== 0) throw new Error(`tar failed: ${t.stderr}`);
    const r = await this.docker(["load", "--input", archive]);
    rmSync(archive, { force: true });
    if (r.code !== 0) throw new Error(`docker load failed: ${r.stderr}`);
  }

  /**
   * `docker push`, `rmi` and `pull` of `reference`: the digest the push reported, once the image
   * pulled back carries it. Throws with docker's output at the first step that fails.
   */
  async pushAndPullBack(reference: string): Promise<string> {
    const push = await this.docker(["push", reference]);
    const pushed = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1];
    if (push.code !== 0 || pushed === undefined) throw new Error(`docker push ${reference} failed: ${push.stdout}${push.stderr}`);
    const rmi = await this.docker(["rmi", reference]);
    if (rmi.code !== 0) throw new Error(`docker rmi ${reference} failed: ${rmi.stderr}`);
    const pull = await this.docker(["pull", reference]);
    if (pull.code !== 0) throw new Error(`docker pull ${reference} failed: ${pull.stderr}`);
    const digest = await this.repoDigest(reference);
    if (digest !== pushed) throw new Error(`${reference} was pushed as ${pushed} but pulled back as ${digest}`);
    return pushed;
  }

  /** The repository digest docker recorded for `reference` after a push or pull. */
  async repoDigest(reference: string): Promise<string> {
    const r = await this.docker(["image", "inspect", "--format", "{{json .RepoDigests}}", reference]);
    const digests = JSON.parse(r.stdout || "[]") as string[];
    const repo = reference.slice(0, reference.lastIndexOf(":"));
    const found = digests.find((d) => d.startsWith(`${repo}@`));
    if (found === undefined) throw new Error(`no repository digest for ${reference}: ${r.stdout}${r.stderr}`);
    return found.slice(found.indexOf("@") + 1);
  }

  /**
   * Removes what this object left in Docker, by name: the tags it made, the `<host>/<repo>@digest`
   * references pushes and pulls recorded for this server's registry, then the images it imported.
   */
  async cleanUp(): Promise<void> {
    for (const ref of this.images) await this.docker(["rmi", "--force", ref]);
    const digests = await this.docker(["images", "--digests", "--format", "{{.Repository}}@{{.Digest}}"]);
    for (const ref of digests.stdout.split("\n").filter((l) => l.startsWith(`${this.host}/`) && !l.endsWith("@<none>"))) {
      await this.docker(["rmi", ref]);
    }
    for (const id of this.importedIds) await this.docker(["rmi", id]);
    rmSync(this.dockerConfig, { recursive: true, force: true });
    rmSync(this.work, { recursive: true, force: true });
  }
}
