import { readFile } from "node:fs/promises";
import { daemonDns, dnsUpstreams, dockerDaemonJson, dockerResolvConfPath, etcResolvConf } from "./dns-upstreams.js";

/** A missing file reads as undefined (Docker then uses its defaults); any other error is the agent's to report. */
async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * The host's resolvers that Docker's embedded DNS queries from a task's namespace (dns-upstreams.ts),
 * read once when the agent starts: a host whose resolvers change later (a new DHCP lease) keeps the
 * old exemption until the agent restarts.
 */
export async function hostDnsUpstreams(): Promise<string[]> {
  const daemon = daemonDns(await readIfPresent(dockerDaemonJson));
  if (daemon !== undefined) return dnsUpstreams(daemon);
  const etc = await readIfPresent(etcResolvConf);
  const path = dockerResolvConfPath(etc);
  return dnsUpstreams(path === etcResolvConf ? etc : await readIfPresent(path));
}
