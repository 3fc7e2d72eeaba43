import { execFile } from "node:child_process";
import type { Logger } from "pino";
import { HostPort } from "../claims.js";

/** Where containers reach the credentials endpoint, as with ECS: the AWS SDKs' container provider asks `http://169.254.170.2<relative uri>`. */
export const credentialsAddress = "169.254.170.2";
export const credentialsPort = 80;

/** Why the endpoint could not be set up, as a short code (also the value of the instance attribute that says so). */
export type Unavailable = "cannot-add-address" | "address-in-use" | "cannot-listen";

export type CredentialsEndpointClaim =
  | { readonly ok: true; readonly port: HostPort; close(): Promise<void> }
  | { readonly ok: false; readonly reason: Unavailable; readonly detail: string };

/** Runs `ip` with a timeout; resolves with its exit code and output (never throws for a failing command). */
function ip(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // A hung netlink call must not hold the agent's start-up: 5 s is far beyond what `ip addr` takes.
    execFile("ip", [...args], { timeout: 5000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr: stderr.trim() || (err?.message ?? "") });
    });
  });
}

/**
 * Makes 169.254.170.2 reachable from bridge-network containers and listens there on port 80: the
 * address is added to the host's loopback interface (containers route to it through their bridge
 * gateway, and the request keeps the container's own source address, which the handler checks).
 * The ECS agent reaches the same end with a DNAT rule to 127.0.0.1:51679; an address of our own
 * needs no `route_localnet` on the bridge and leaves no iptables rule behind if the agent is killed.
 *
 * Idempotent across restarts: an address left by an agent that was killed is reused. One agent per
 * host serves it: when the port is taken (another agent on this host), this one does not, and
 * says why. `close()` stops listening and removes the address (the holder of the port is its owner).
 */
export async function claimCredentialsEndpoint(logger: Logger): Promise<CredentialsEndpointClaim> {
  const shown = await ip(["-4", "addr", "show", "dev", "lo"]);
  const present = shown.code === 0 && shown.stdout.includes(`inet ${credentialsAddress}/`);
  if (!present) {
    const added = await ip(["addr", "add", `${credentialsAddress}/32`, "dev", "lo"]);
    // "File exists": another agent added it between our look and our add.
    if (added.code !== 0 && !/File exists/i.test(added.stderr)) {
      return { ok: false, reason: "cannot-add-address", detail: `cannot add ${credentialsAddress}/32 to lo (the agent needs root or CAP_NET_ADMIN): ${added.stderr}` };
    }
  }
  const removeAddress = async () => {
    const removed = await ip(["addr", "del", `${credentialsAddress}/32`, "dev", "lo"]);
    if (removed.code !== 0 && !/Cannot assign requested address/i.test(removed.stderr)) logger.warn({ err: removed.stderr }, `could not remove ${credentialsAddress} from lo`);
  };
  try {
    const port = await HostPort.bind(credentialsPort, credentialsAddress, { what: "the task credentials endpoint", changeWith: "ECS_ENABLE_TASK_IAM_ROLE=false (the address and port are fixed)" });
    return {
      ok: true,
      port,
      async close() {
        await port.close();
        await removeAddress();
      },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const inUse = /in use|EADDRINUSE/i.test(message);
    // The port's holder (another agent on this host) owns the address; one we added for nothing goes again.
    if (!present && !inUse) await removeAddress();
    return inUse
      ? { ok: false, reason: "address-in-use", detail: `${credentialsAddress}:${credentialsPort} is taken (another agent on this host serves task credentials)` }
      : { ok: false, reason: "cannot-listen", detail: message };
  }
}
