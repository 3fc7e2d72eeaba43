/**
 * From ECS port mappings to Docker's ExposedPorts and PortBindings.
 *
 * The host port of each binding comes, in order, from the agent's choice (`hostPorts`, e.g. a
 * dynamic port it reserved), from a static `hostPort` in the mapping, or else is left to Docker
 * (HostPort "": the engine picks an ephemeral port, read back from inspect).
 */
import type { PortMapping } from "@aws-sdk/client-ecs";
import { DockerError } from "./errors.js";
import type { PortBindingSpec } from "./docker-spec.js";

export type Protocol = "tcp" | "udp";

/** `"<containerPort>/<protocol>"`: how Docker and {@link PortBindingsInput.hostPorts} key a port. */
export const portKey = (containerPort: number, protocol: Protocol): string => `${containerPort}/${protocol}`;

/** One container port of a mapping (a range mapping expands to several). */
export interface ContainerPort {
  readonly containerPort: number;
  readonly protocol: Protocol;
  /** The static host port from the task definition; undefined for dynamic ports. */
  readonly staticHostPort: number | undefined;
}

/** Every container port the mappings name, ranges expanded, in order. */
export function containerPorts(mappings: readonly PortMapping[] | undefined): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const m of mappings ?? []) {
    const protocol: Protocol = m.protocol ?? "tcp";
    if (m.containerPortRange !== undefined) {
      const [first, last] = parsePortRange(m.containerPortRange);
      for (let p = first; p <= last; p++) out.push({ containerPort: p, protocol, staticHostPort: undefined });
    } else if (m.containerPort !== undefined) {
      const staticHostPort = m.hostPort === undefined || m.hostPort === 0 ? undefined : m.hostPort;
      out.push({ containerPort: m.containerPort, protocol, staticHostPort });
    } else {
      throw new DockerError("CannotCreateContainerError", "a port mapping has neither containerPort nor containerPortRange");
    }
  }
  return out;
}

/** `"8000-8010"` → [8000, 8010]. */
export function parsePortRange(range: string): [number, number] {
  const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(range);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < 1 || last > 65535 || first > last) {
    throw new DockerError("CannotCreateContainerError", `invalid containerPortRange "${range}"`);
  }
  return [first, last];
}

export interface PortBindingsInput {
  readonly portMappings: readonly PortMapping[] | undefined;
  /** Docker network mode: bindings are made only in bridge mode (host and none publish nothing). */
  readonly networkMode: "bridge" | "host" | "none";
  /** Host ports the agent chose, keyed by {@link portKey}. */
  readonly hostPorts?: ReadonlyMap<string, number>;
  /** The host address ports are published on (the agent's BERTH_HOST_IP); 0.0.0.0, every IPv4 address, as ECS binds. */
  readonly hostIp?: string;
}

export interface PortBindingsSpec {
  readonly ExposedPorts?: Record<string, Record<string, never>>;
  readonly PortBindings?: Record<string, PortBindingSpec[]>;
}

/** ExposedPorts (every mode) and PortBindings (bridge only, on the agent's host address). */
export function portBindings(input: PortBindingsInput): PortBindingsSpec {
  const ports = containerPorts(input.portMappings);
  if (ports.length === 0) return {};
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, PortBindingSpec[]> = {};
  for (const p of ports) {
    const key = portKey(p.containerPort, p.protocol);
    exposed[key] = {};
    const hostPort = input.hostPorts?.get(key) ?? p.staticHostPort;
    // Two mappings of one container port (to two host ports) are two bindings of one key.
    const binding = { HostIp: input.hostIp ?? "0.0.0.0", HostPort: hostPort === undefined ? "" : String(hostPort) };
    bindings[key] = [...(bindings[key] ?? []), binding];
  }
  return input.networkMode === "bridge" ? { ExposedPorts: exposed, PortBindings: bindings } : { ExposedPorts: exposed };
}
