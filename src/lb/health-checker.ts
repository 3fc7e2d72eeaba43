import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { TargetHealth } from "../domain/load-balancing/health.js";
import type { HealthCheck } from "../domain/load-balancing/types.js";
import { codeMatches, newCheckState, nextCheckState, type CheckResult, type CheckState } from "./health-state.js";

/** Where and how one target is checked. */
export interface CheckTarget {
  readonly address: string;
  readonly port: number;
  readonly healthCheck: HealthCheck;
}

/** Runs one health check: an HTTP(S) GET of the path (new connection, no keep-alive) or a TCP connect. */
export function checkOnce(t: CheckTarget): Promise<CheckResult> {
  const hc = t.healthCheck;
  const port = hc.port === "traffic-port" ? t.port : Number(hc.port);
  const timeoutMs = hc.timeoutSeconds * 1000;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      done({ ok: false, kind: "timeout" });
      cleanup();
    }, timeoutMs);
    let cleanup: () => void;
    if (hc.protocol === "TCP") {
      const socket = connect({ host: t.address, port });
      cleanup = () => socket.destroy();
      socket.once("connect", () => {
        socket.destroy();
        done({ ok: true });
      });
      socket.once("error", () => done({ ok: false, kind: "connection" }));
      return;
    }
    const make = hc.protocol === "HTTPS" ? httpsRequest : request;
    const req = make({
      host: t.address,
      port,
      path: hc.path,
      method: "GET",
      agent: false,
      headers: { "user-agent": "ELB-HealthChecker/2.0", connection: "close" },
      ...(hc.protocol === "HTTPS" && { rejectUnauthorized: false }),
    });
    cleanup = () => req.destroy();
    req.once("response", (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      done(codeMatches(hc.httpCode, code) ? { ok: true } : { ok: false, kind: "code", code });
    });
    req.once("error", () => done({ ok: false, kind: "connection" }));
    req.end();
  });
}

/**
 * Checks one target on its group's interval, first at once, and keeps its ELB health. Owned by
 * the data plane, which stops it when the target or its group goes away.
 */
export class TargetChecker {
  private state: CheckState;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly target: CheckTarget,
    private readonly onChange: (health: TargetHealth, previous: TargetHealth) => void,
    /** Where its checks start: initial, or the health kept from before a restart (health-state.ts). */
    from: CheckState = newCheckState,
  ) {
    this.state = from;
    this.schedule(0);
  }

  get health(): TargetHealth {
    return this.state.health;
  }

  /** Its state, for a checker that replaces it (a changed health check keeps the target's health, as ELB's). */
  get checkState(): CheckState {
    return this.state;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    const result = await checkOnce(this.target);
    if (this.stopped) return;
    const previous = this.state.health;
    this.state = nextCheckState(this.state, result, this.target.healthCheck);
    if (this.state.health !== previous && (this.state.health.state !== previous.state || this.state.health.description !== previous.description)) this.onChange(this.state.health, previous);
    this.schedule(this.target.healthCheck.intervalSeconds * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
