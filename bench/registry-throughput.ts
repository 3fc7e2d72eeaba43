/**
 * Registry throughput: push and pull of a 200 MB single-layer image through Berth's registry,
 * against copying the same file on the same disk in the same run. `npm run bench:registry`.
 *
 * The image is made locally (no registry is reachable from test machines): a tarball of one file
 * of random data, `docker import`ed. Random data does not compress, so docker's gzip of the layer
 * costs CPU without shrinking it. Figures, each the median of RUNS (default 3):
 * - docker push / docker pull: the whole client path (dockerd gzips on push, gunzips and extracts on pull);
 * - raw blob upload / download: the same 200 MB sent to `/v2/` by plain HTTP (POST, one streamed
 *   PATCH, PUT ?digest=; then GET), Berth's own cost: hashing, writing, fsync, rename, reading;
 * - file copy: `copyFile` of the tarball plus fsync, the disk's floor for writing it once.
 */
import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, createReadStream, mkdtempSync, openSync, fsyncSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { parseCredentialsFile } from "../src/auth/credentials-file.js";

const run = promisify(execFile);
const runs = Number(process.env.RUNS ?? 3);
const sizeBytes = Number(process.env.SIZE_MB ?? 200) * 1_000_000;
const mb = sizeBytes / 1_000_000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function docker(dockerConfig: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("docker", args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, maxBuffer: 64 << 20 });
  return stdout;
}

/** Streams `file` to the registry as one blob; returns its digest. */
async function rawUpload(endpoint: string, auth: string, repo: string, file: string, digest: string): Promise<void> {
  const post = await fetch(`${endpoint}/v2/${repo}/blobs/uploads/`, { method: "POST", headers: { authorization: auth } });
  if (post.status !== 202) throw new Error(`POST ${post.status}`);
  const location = new URL(post.headers.get("location") ?? "", endpoint);
  await new Promise<void>((resolve, reject) => {
    const req = request(location, { method: "PATCH", headers: { authorization: auth, "content-type": "application/octet-stream" } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 202 ? resolve() : reject(new Error(`PATCH ${res.statusCode}`))));
    });
    req.on("error", reject);
    createReadStream(file).pipe(req);
  });
  location.searchParams.set("digest", digest);
  const put = await fetch(location, { method: "PUT", headers: { authorization: auth } });
  if (put.status !== 201) throw new Error(`PUT ${put.status}`);
}

async function rawDownload(endpoint: string, auth: string, repo: string, digest: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = request(`${endpoint}/v2/${repo}/blobs/${digest}`, { headers: { authorization: auth } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`GET ${res.statusCode}`));
      res.on("data", () => undefined);
      res.on("end", resolve);
    });
    req.on("error", reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-registry-"));
  const work = mkdtempSync(join(tmpdir(), "berth-bench-work-"));
  const dockerConfig = join(work, "docker");
  const child = spawn(process.execPath, [join(import.meta.dirname, "../src/cli/main.js"), "server", "--port", "0", "--data-dir", dataDir, "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const imageName = `berth-bench-registry:${Date.now()}`;
  let host = "";
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        const m = /berth server (http:\/\/\S+)/.exec(c.toString());
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`berth server exited with ${code}`)));
    });
    host = new URL(endpoint).host;
    const key = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
    const ecr = new ECRClient({ endpoint, region: "us-east-1", credentials: key });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "bench" }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "raw" }));
    const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0]?.authorizationToken ?? "";
    const password = Buffer.from(token, "base64").toString("utf8").slice("AWS:".length);
    const auth = `Basic ${token}`;
    ecr.destroy();

    await run("docker", ["login", "--username", "AWS", "--password", password, host], { env: { ...process.env, DOCKER_CONFIG: dockerConfig } });

    const copy: number[] = [];
    const up: number[] = [];
    const down: number[] = [];
    const push: number[] = [];
    const pull: number[] = [];
    let tarBytes = 0;
    const ref = `${host}/bench:latest`;
    for (let i = 0; i < runs; i++) {
      // Fresh random bytes each run: a layer the registry (and dockerd's memory of past pushes) has never seen.
      const payload = join(work, "data.bin");
      writeFileSync(payload, randomBytes(sizeBytes));
      const tarball = join(work, "image.tar");
      await run("tar", ["-cf", tarball, "-C", work, "data.bin"]);
      rmSync(payload);
      const tarDigest = `sha256:${createHash("sha256").update(readFileSync(tarball)).digest("hex")}`;
      tarBytes = statSync(tarball).size;

      copy.push(
        await timed(() => {
          const target = join(work, "copy.tar");
          copyFileSync(tarball, target);
          const fd = openSync(target, "r");
          fsyncSync(fd);
          closeSync(fd);
          rmSync(target);
          return Promise.resolve();
        }),
      );
      up.push(await timed(() => rawUpload(endpoint, auth, "raw", tarball, tarDigest)));
      down.push(await timed(() => rawDownload(endpoint, auth, "raw", tarDigest)));

      await docker(dockerConfig, "import", tarball, imageName);
      rmSync(tarball);
      await docker(dockerConfig, "tag", imageName, ref);
      push.push(await timed(() => docker(dockerConfig, "push", ref)));
      // Gone from this engine entirely, so that the pull downloads and extracts the layer.
      await docker(dockerConfig, "rmi", ref, imageName);
      pull.push(await timed(() => docker(dockerConfig, "pull", ref)));
      await docker(dockerConfig, "rmi", ref);
    }
    const row = (name: string, bytes: number, xs: number[]) => `| ${name} | ${median(xs).toFixed(2)} | ${(bytes / 1e6 / median(xs)).toFixed(0)} |`;
    console.log(
      `Registry throughput, ${mb} MB single layer, median of ${runs}, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    );
    console.log("| path | seconds | MB/s |\n|---|---|---|");
    console.log(row("file copy + fsync (same disk)", tarBytes, copy));
    console.log(row("raw blob upload to /v2/ (hash, write, fsync, rename)", tarBytes, up));
    console.log(row("raw blob download from /v2/", tarBytes, down));
    console.log(row("docker push (dockerd gzips the layer)", tarBytes, push));
    console.log(row("docker pull (download, gunzip, extract)", tarBytes, pull));
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    for (const ref of [imageName, `${host}/bench:latest`]) await run("docker", ["rmi", "--force", ref]).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
