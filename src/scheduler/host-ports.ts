import { hostIdAttribute, hostIpAttribute } from "./types.js";

/**
 * Where an instance publishes its tasks' host ports: the Docker engine it runs them on
 * (`berth.host-id`, undefined for an instance alone on its host) and the address it binds them on
 * (`berth.host-ip`; unset means 0.0.0.0, which agents bound before they reported an address).
 */
export interface HostBinding {
  readonly hostId: string | undefined;
  readonly address: string;
}

/** Addresses that bind every address of the host: a port bound there is taken on all of them. */
const wildcards: ReadonlySet<string> = new Set(["0.0.0.0", "::"]);

export function hostBindingOf(attributes: ReadonlyMap<string, string | null>): HostBinding {
  return { hostId: attributes.get(hostIdAttribute) ?? undefined, address: attributes.get(hostIpAttribute) ?? "0.0.0.0" };
}

/**
 * Whether two instances' static host ports are one set: they are on the same Docker engine and
 * their addresses overlap (the same address, or either binds all of them). Docker refuses to
 * publish 0.0.0.0:80 next to 127.0.0.2:80 ("address already in use"), but 127.0.0.2:80 and
 * 127.0.0.3:80 live side by side. Not transitive: 0.0.0.0 overlaps both of those, they do not
 * overlap each other.
 */
export function sharesHostPorts(a: HostBinding, b: HostBinding): boolean {
  if (a.hostId === undefined || a.hostId !== b.hostId) return false;
  return a.address === b.address || wildcards.has(a.address) || wildcards.has(b.address);
}
