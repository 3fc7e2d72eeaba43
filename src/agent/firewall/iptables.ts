import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import type { ChainRule } from "./rules.js";

const run = promisify(execFile);

/** Every iptables call ends within this: a wedged xtables lock must not hold the agent's firewall loop forever. */
const iptablesTimeoutMs = 10_000;

/**
 * The agent's chain in the host's `filter` table: jumped to from DOCKER-USER (traffic Docker
 * forwards between containers, bridged or routed, and from a task out of the host), from OUTPUT (the
 * host's own connections to a task's address) and from INPUT (a task's connections to the host's
 * own addresses: its bridge gateway, the credentials and metadata endpoints). One chain per agent
 * (its name carries the container instance's id), so that agents sharing a host never overwrite
 * each other's rules.
 */
export class IptablesChain {
  constructor(
    readonly chain: string,
    private readonly binary = "iptables",
  ) {}

  /** Replaces the chain's rules in one atomic `iptables-restore --noflush` (other chains untouched), then makes sure the jumps exist. */
  async replace(rules: readonly ChainRule[]): Promise<void> {
    const lines = ["*filter", `:${this.chain} - [0:0]`, ...rules.map((r) => `-A ${this.chain} ${r.join(" ")}`), "COMMIT", ""];
    await restore(`${this.binary}-restore`, lines.join("\n"));
    for (const parent of await this.parents()) {
      if (!(await this.succeeds(["-C", parent, "-j", this.chain]))) await this.iptables(["-I", parent, "1", "-j", this.chain]);
    }
  }

  /** Removes the jumps and the chain (at start, after a crash; at stop). Nothing to remove is not an error. */
  async remove(): Promise<void> {
    for (const parent of ["DOCKER-USER", "FORWARD", "OUTPUT", "INPUT"]) {
      while (await this.succeeds(["-D", parent, "-j", this.chain]));
    }
    if (await this.succeeds(["-F", this.chain])) await this.iptables(["-X", this.chain]);
  }

  /** DOCKER-USER when Docker made it (its traffic passes there first), else FORWARD; OUTPUT and INPUT. */
  private async parents(): Promise<string[]> {
    return [(await this.succeeds(["-S", "DOCKER-USER"])) ? "DOCKER-USER" : "FORWARD", "OUTPUT", "INPUT"];
  }

  private async iptables(args: readonly string[]): Promise<void> {
    await run(this.binary, ["-w", "5", ...args], { timeout: iptablesTimeoutMs });
  }

  private async succeeds(args: readonly string[]): Promise<boolean> {
    return this.iptables(args).then(
      () => true,
      () => false,
    );
  }
}

function restore(binary: string, input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["--noflush", "-w", "5"], { stdio: ["pipe", "ignore", "pipe"], timeout: iptablesTimeoutMs });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${binary} exited ${code}: ${stderr.slice(0, 500)}`))));
    child.stdin.end(input);
  });
}

/** The chain of the agent of this container instance: `BERTH-SG-` and the instance id's last 16 characters (iptables allows 28; ids may begin with a time). */
export const securityGroupChain = (containerInstanceArn: string): string =>
  `BERTH-SG-${(containerInstanceArn.split("/").at(-1) ?? "").replace(/[^0-9a-zA-Z]/g, "").slice(-16)}`;
