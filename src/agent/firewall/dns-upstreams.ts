/**
 * Where Docker's embedded DNS (127.0.0.11 in an awsvpc task's namespace, on the subnet's network)
 * sends the names it does not answer itself, worked out from the host's resolv.conf as Docker does
 * (moby libnetwork `sandbox_dns_unix.go` `setupDNS`, `resolvconf.Path` and `FilterResolvDNS`):
 * - Docker reads /etc/resolv.conf, or systemd-resolved's /run/systemd/resolve/resolv.conf when
 *   127.0.0.53 is the only nameserver there ({@link dockerResolvConfPath});
 * - it forwards to the file's IPv4 nameservers; a loopback one (127.x) it asks from the host's own
 *   namespace, so that query never comes from the task's address and needs no rule;
 * - with no IPv4 nameserver at all (or no file), it falls back to Google's 8.8.8.8 and 8.8.4.4,
 *   from the task's namespace.
 * - resolvers set in the daemon's own configuration (`dns` in /etc/docker/daemon.json) replace the
 *   host's file for every container (moby `daemon/container_operations.go` takes the daemon's DNS
 *   when a container names none), and are forwarded to by the same rules ({@link daemonDns}).
 * A task's own `dnsServers` are not among them: as on ECS, only the platform's resolver is exempt.
 * Pure: the agent reads the files once when it starts (`host-dns.ts`).
 */
import { isIPv4 } from "node:net";
import type { OpenDestination } from "./rules.js";

export const etcResolvConf = "/etc/resolv.conf";
export const dockerDaemonJson = "/etc/docker/daemon.json";
export const systemdResolvConf = "/run/systemd/resolve/resolv.conf";

/** Docker's fallback when the host names no IPv4 resolver. */
const dockerDefaultResolvers = ["8.8.8.8", "8.8.4.4"] as const;

/** The nameserver addresses of a resolv.conf, in order; comments (`#` to the end of a line) ignored, as Docker does. */
export function nameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const match = /^\s*nameserver\s+(\S+)\s*$/.exec(line.split("#")[0] ?? "");
    if (match?.[1] !== undefined) out.push(match[1]);
  }
  return out;
}

/** The file Docker takes the host's resolvers from, given /etc/resolv.conf's text. */
export function dockerResolvConfPath(etcText: string | undefined): string {
  const servers = etcText === undefined ? [] : nameservers(etcText);
  return servers.length === 1 && servers[0] === "127.0.0.53" ? systemdResolvConf : etcResolvConf;
}

/**
 * The resolvers of the Docker daemon's configuration file (its `dns` list), as the text of the
 * resolv.conf Docker then writes for each container; undefined when it sets none (or there is no
 * readable file: dockerd itself refuses to start on a file it cannot parse).
 */
export function daemonDns(daemonJson: string | undefined): string | undefined {
  let config: unknown;
  try {
    config = daemonJson === undefined ? undefined : JSON.parse(daemonJson);
  } catch {
    return undefined;
  }
  const dns = typeof config === "object" && config !== null && "dns" in config ? config.dns : undefined;
  const servers = Array.isArray(dns) ? dns.filter((ip): ip is string => typeof ip === "string") : [];
  return servers.length > 0 ? servers.map((ip) => `nameserver ${ip}\n`).join("") : undefined;
}

/** The IPv4 resolvers the embedded DNS queries from a task's namespace, given the text of the file Docker reads (undefined: no file). */
export function dnsUpstreams(resolvConf: string | undefined): string[] {
  const v4 = [...new Set(resolvConf === undefined ? [] : nameservers(resolvConf).filter((ip) => isIPv4(ip)))];
  if (v4.length === 0) return [...dockerDefaultResolvers];
  return v4.filter((ip) => !ip.startsWith("127."));
}

/** A resolver open on port 53, udp and tcp (a reply too large for udp is asked again over tcp). */
export const dnsDestinations = (resolvers: readonly string[]): OpenDestination[] =>
  resolvers.flatMap((ip) => [
    { ip, protocol: "udp", port: 53 },
    { ip, protocol: "tcp", port: 53 },
  ]);
