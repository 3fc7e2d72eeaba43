/**
 * The address bridge-mode containers reach the host on, from `docker network inspect bridge`.
 *
 * Docker leaves `Gateway` out of the default bridge's IPAM config on some versions (20.10), and
 * the bridge interface (docker0) has no carrier while no container runs, so Node's
 * `os.networkInterfaces()` (which lists only running interfaces) does not show it to an agent
 * started on an idle host. Docker's IPAM gives a bridge network's gateway the first host address
 * of its subnet, so that address is the answer when nothing more direct is known.
 *
 * @param interfaceAddress the bridge interface's IPv4 address, when the host lists it
 */
export function bridgeAddress(network: BridgeNetwork, interfaceAddress?: string): string | undefined {
  const configs = network.IPAM?.Config ?? [];
  const gateway = configs.find((c) => c.Gateway && !c.Gateway.includes(":"))?.Gateway;
  if (gateway) return gateway;
  if (interfaceAddress) return interfaceAddress;
  for (const c of configs) {
    const first = c.Subnet === undefined ? undefined : firstHostAddress(c.Subnet);
    if (first) return first;
  }
  return undefined;
}

/** The fields of `GET /networks/bridge` read here. */
export interface BridgeNetwork {
  readonly IPAM?: { readonly Config?: readonly { readonly Gateway?: string; readonly Subnet?: string }[] | null } | null;
  readonly Options?: Readonly<Record<string, string>> | null;
}

/** `172.17.0.0/16` → `172.17.0.1`; undefined for anything but an IPv4 subnet with room for hosts. */
export function firstHostAddress(subnet: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(subnet);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 30) return undefined;
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const first = base - (base % size) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join(".");
}
