import { Agent, request } from "node:http";

/** What a steady client saw: every request's outcome. */
export interface SteadyOutcome {
  readonly ok: number;
  /** Responses with a 5xx status, and connection errors, with what they were. */
  readonly failures: readonly string[];
}

/**
 * Sends keep-alive GETs to 127.0.0.1:port at a steady rate (`connections` loops, each one request
 * every `everyMs`) until `stop()`, counting responses and failures, as a user of the service would.
 */
export function steadyClient(port: number, { connections = 4, everyMs = 20 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let ok = 0;
  const failures: string[] = [];
  let running = true;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
        res.resume();
        res.once("end", () => {
          if ((res.statusCode ?? 0) >= 500) failures.push(`HTTP ${res.statusCode} at ${new Date().toISOString()}`);
          else ok++;
          resolve();
        });
      });
      req.once("error", (err) => {
        failures.push(`${err.message} at ${new Date().toISOString()}`);
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: connections }, async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  });
  return {
    get ok() {
      return ok;
    },
    async stop(): Promise<SteadyOutcome> {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return { ok, failures };
    },
  };
}
