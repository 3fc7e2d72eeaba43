import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/**
 * What the agent trusts when its endpoint is https:// (the server's `--tls-cert`): the CA bundle
 * it was given (`--ca-bundle`, BERTH_CA_BUNDLE), else the system's roots. One value for every
 * connection the agent opens to the control plane: the AWS SDK clients, the agent channel's
 * WebSocket and Berth's CreateAgentCredential.
 */
export interface Trust {
  /** PEM of the CAs to trust; undefined: the system's. */
  readonly ca: Buffer | undefined;
  /** For the SDK clients (`requestHandler: { httpsAgent }`) and for {@link postJson}. */
  readonly httpsAgent: HttpsAgent | undefined;
}

export function trustFrom(caBundle: string | undefined): Trust {
  if (caBundle === undefined) return { ca: undefined, httpsAgent: undefined };
  let ca: Buffer;
  try {
    ca = readFileSync(caBundle);
  } catch (e) {
    throw new Error(`cannot read the CA bundle ${caBundle} (--ca-bundle or BERTH_CA_BUNDLE): ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  return { ca, httpsAgent: new HttpsAgent({ ca, keepAlive: true }) };
}

/** One POST with a JSON body over http or https (trusting `trust`), answered with its status and text. */
export function postJson(url: URL, headers: Record<string, string>, body: string, trust: Trust, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const options = { method: "POST", headers, timeout: timeoutMs };
    const req = url.protocol === "https:" ? httpsRequest(url, { ...options, agent: trust.httpsAgent }) : httpRequest(url, options);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // Coded as Node codes a connect timeout: the endpoint counts as unreachable (agent/endpoints.ts).
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}
