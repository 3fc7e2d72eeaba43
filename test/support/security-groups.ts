import { execFile } from "node:child_process";
import { request } from "node:http";
import { promisify } from "node:util";
import type { BerthServer } from "./berth-server.js";

const run = promisify(execFile);

/** `aws ec2 …` against a Berth server: parsed JSON on success; throws with the CLI's error text otherwise. */
export async function ec2(server: BerthServer, ...args: string[]): Promise<Record<string, unknown>> {
  const r = await server.aws("ec2", ...args);
  if (r.code !== 0) throw new Error(r.stderr.trim());
  return r.stdout.trim() === "" ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
}

/** The error `aws ec2 …` fails with: its code and message ("" when it succeeds). */
export async function ec2Error(server: BerthServer, ...args: string[]): Promise<{ code: string; message: string }> {
  const r = await server.aws("ec2", ...args);
  if (r.code === 0) return { code: "", message: "" };
  const m = /An error occurred \(([A-Za-z.]+)\) when calling the \w+ operation: (.*)/s.exec(r.stderr);
  return { code: m?.[1] ?? "", message: m?.[2]?.trim() ?? r.stderr.trim() };
}

/** Whether a new TCP connection from this process to ip:port gets an HTTP answer within `timeoutMs` (no connection reuse). */
export function hostReaches(ip: string, port = 80, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: ip, port, path: "/", agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(false));
    req.end();
  });
}

/**
 * Whether a container reaches ip:port with a new connection within 1.5 s (busybox wget of the test
 * image, bounded by `timeout`: that build's `wget -T` crashes).
 */
export async function containerReaches(containerId: string, ip: string, port = 80): Promise<boolean> {
  return run("docker", ["exec", containerId, "timeout", "1.5", "wget", "-q", "-O", "/dev/null", `http://${ip}:${port}/`], { timeout: 10_000 }).then(
    () => true,
    () => false,
  );
}

/** Whether a container reaches its task metadata endpoint (its ECS_CONTAINER_METADATA_URI_V4) with a new connection within 1.5 s. */
export async function containerReachesMetadata(containerId: string): Promise<boolean> {
  return run("docker", ["exec", containerId, "sh", "-c", 'timeout 1.5 wget -q -O /dev/null "$ECS_CONTAINER_METADATA_URI_V4"'], { timeout: 10_000 }).then(
    () => true,
    () => false,
  );
}

/** The lines of `iptables -S` (filter table) that are Berth's security-group chains and jumps: other work on this host changes the rest. */
export async function berthRules(): Promise<string[]> {
  return (await run("iptables", ["-S"])).stdout.split("\n").filter((l) => l.includes("BERTH-SG"));
}
