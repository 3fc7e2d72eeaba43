import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { BerthServer } from "./berth-server.js";
import { testSdkRetry } from "./sdk-retry.js";

/** `aws elbv2 …` against a Berth server: parsed JSON on success, the error code and message otherwise. */
export async function elbv2(server: BerthServer, ...args: string[]): Promise<Record<string, unknown>> {
  const r = await server.aws("elbv2", ...args);
  if (r.code !== 0) throw new ElbCliError(r.stderr);
  return r.stdout.trim() === "" ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
}

export class ElbCliError extends Error {
  readonly code: string;
  constructor(stderr: string) {
    super(stderr.trim());
    this.code = /An error occurred \(([A-Za-z]+)\)/.exec(stderr)?.[1] ?? "";
  }
}

/** The error code `aws elbv2 …` fails with (or "" when it succeeds). */
export async function elbv2Error(server: BerthServer, ...args: string[]): Promise<{ code: string; message: string }> {
  try {
    await elbv2(server, ...args);
    return { code: "", message: "" };
  } catch (e) {
    if (e instanceof ElbCliError) return { code: e.code, message: e.message };
    throw e;
  }
}

/** A field of the first member of a list in a CLI result, e.g. first(out, "LoadBalancers", "LoadBalancerArn"). */
export function first(out: Record<string, unknown>, list: string, field: string): string {
  const items = out[list];
  const item = Array.isArray(items) ? (items[0] as Record<string, unknown> | undefined) : undefined;
  const v = item?.[field];
  if (typeof v !== "string") throw new Error(`no ${list}[0].${field} in ${JSON.stringify(out)}`);
  return v;
}

/** A local HTTP target: answers with its name, the request's X-Forwarded-* headers, and a health code it can be told. */
export class TestTarget {
  health = 200;
  readonly seen: { path: string; xff: string; proto: string; port: string }[] = [];
  private constructor(
    readonly name: string,
    private readonly server: Server,
  ) {}

  static async start(name: string): Promise<TestTarget> {
    const server = createServer();
    const t = new TestTarget(name, server);
    server.on("request", (req, res) => {
      if (req.url === "/health") {
        res.writeHead(t.health).end();
        return;
      }
      t.seen.push({ path: req.url ?? "", xff: String(req.headers["x-forwarded-for"]), proto: String(req.headers["x-forwarded-proto"]), port: String(req.headers["x-forwarded-port"]) });
      // /login starts an application session: the cookie application-based stickiness follows.
      const session = req.url === "/login" ? { "set-cookie": `SESSION=${name}-${t.seen.length}; Path=/; HttpOnly` } : {};
      res.writeHead(200, { "content-type": "text/plain", ...session }).end(name);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return t;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** GET through a listener: status and body. */
export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The SDK's ELBv2 client for `server`: for probes that must look often (without the CLI's start-up) and for set-ups that are not what a test is about. */
export function elbv2Client(server: BerthServer): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
}
