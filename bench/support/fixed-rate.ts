import { Agent, request } from "node:http";

/** Latency percentiles (ms, microsecond resolution) of a fixed-rate run. */
export interface RateFigures {
  readonly sent: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/**
 * Sends `rate` GETs per second to 127.0.0.1:port over at most `connections` keep-alive connections
 * for `durationS` seconds (open loop: requests start on schedule, every millisecond tick, whatever
 * the answers do) and measures each from its start to its last byte with process.hrtime.
 */
export async function fixedRate(port: number, rate: number, durationS: number, connections = 64): Promise<RateFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let inFlight = 0;
  const one = () => {
    const t0 = process.hrtime.bigint();
    inFlight++;
    const req = request({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
      res.resume();
      res.once("end", () => {
        inFlight--;
        if (res.statusCode === 200) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        else errors++;
      });
    });
    req.once("error", () => {
      inFlight--;
      errors++;
    });
    req.end();
  };
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed >= durationS) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * rate);
      while (sent < due) {
        one();
        sent++;
      }
    }, 1);
  });
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { sent, p50: at(0.5), p99: at(0.99), errors };
}
