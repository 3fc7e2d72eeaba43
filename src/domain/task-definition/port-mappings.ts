/**
 * Port mappings of one container, checked against the task's network mode and filled in as ECS
 * returns them:
 * - none: no port mappings at all.
 * - host, awsvpc: hostPort absent, 0 or equal to containerPort; ECS returns hostPort = containerPort.
 * - bridge: hostPort absent or 0 means a dynamic port; ECS returns hostPort 0.
 * - protocol defaults to tcp; ECS treats any other value than tcp/udp as tcp (API reference, PortMapping).
 * - a container port (or any port of a containerPortRange) appears in one mapping only, whatever its
 *   protocol (API reference: "You can't expose the same container port for multiple protocols").
 */
import type { NetworkMode, PortMapping } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { applicationProtocols, isOneOf } from "./enums.js";
import { messages } from "./messages.js";

const maxPort = 65535;
/** ECS allows at most 100 containerPortRange mappings per container. */
const maxRangesPerContainer = 100;
/** Service Connect port names: lowercase letters, digits, _ and -, not starting with -, ≤64 characters. */
const portNamePattern = /^[a-z0-9_][a-z0-9_-]{0,63}$/;

interface Span {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

const isPort = (n: number | undefined, min: number): n is number => n !== undefined && Number.isInteger(n) && n >= min && n <= maxPort;

/** The container's port mappings as ECS returns them; throws ClientException on the first bad one. */
export function normalizePortMappings(container: string, mappings: readonly PortMapping[], mode: NetworkMode): PortMapping[] {
  if (mode === "none" && mappings.length > 0) throw clientException(messages.portMappingsWithNone(container));
  const spans: Span[] = [];
  let ranges = 0;
  const out = mappings.map((m): PortMapping => {
    if (m.name !== undefined && !portNamePattern.test(m.name)) throw clientException(messages.invalidPortMappingName(container, m.name));
    if (m.appProtocol !== undefined && !isOneOf(applicationProtocols, m.appProtocol)) {
      throw clientException(messages.invalidContainerEnum(container, "appProtocol", m.appProtocol, applicationProtocols));
    }
    const protocol = m.protocol === "udp" ? "udp" : "tcp";
    if (m.containerPortRange !== undefined) {
      ranges += 1;
      if (ranges > maxRangesPerContainer) {
        throw clientException(messages.invalidPortRange(container, m.containerPortRange, `A container can have at most ${maxRangesPerContainer} port ranges.`));
      }
      claim(container, spans, portRange(container, m, mode));
      return { ...m, protocol };
    }
    return { ...singlePort(container, m, mode, spans), protocol };
  });
  return out;
}

function singlePort(container: string, m: PortMapping, mode: NetworkMode, spans: Span[]): PortMapping {
  const { containerPort, hostPort } = m;
  if (!isPort(containerPort, 1)) {
    throw clientException(messages.invalidContainerPort(container, `Set 'containerPort' to an integer from 1 to ${maxPort}.`));
  }
  if (hostPort !== undefined && !isPort(hostPort, 0)) {
    throw clientException(messages.invalidHostPort(container, `Use an integer from 0 to ${maxPort} (0 or none for a dynamic port in bridge mode).`));
  }
  claim(container, spans, { from: containerPort, to: containerPort, label: String(containerPort) });
  if (mode === "host" || mode === "awsvpc") {
    // 0 means "not set" here, as the absent value does: ECS documents both as accepted.
    if (hostPort !== undefined && hostPort !== 0 && hostPort !== containerPort) {
      throw clientException(messages.hostPortMustMatch(mode, container, containerPort, hostPort));
    }
    return { ...m, hostPort: containerPort };
  }
  return { ...m, hostPort: hostPort ?? 0 };
}

function portRange(container: string, m: PortMapping, mode: NetworkMode): Span {
  const range = m.containerPortRange ?? "";
  const bad: (detail: string) => never = (detail) => {
    throw clientException(messages.invalidPortRange(container, range, detail));
  };
  if (mode !== "bridge" && mode !== "awsvpc") bad("Port ranges need networkMode bridge or awsvpc.");
  if (m.containerPort !== undefined) bad("Set either 'containerPort' or 'containerPortRange' in a port mapping, not both.");
  if (m.hostPort !== undefined) bad("Leave 'hostPort' empty with a containerPortRange; host ports are chosen for the range.");
  const match = /^(\d+)-(\d+)$/.exec(range);
  const from = match ? Number(match[1]) : NaN;
  const to = match ? Number(match[2]) : NaN;
  if (!isPort(from, 1) || !isPort(to, 1)) bad(`Write it as 'first-last' with ports from 1 to ${maxPort}.`);
  if (from >= to) bad("The first port must be lower than the last.");
  return { from, to, label: range };
}

function claim(container: string, spans: Span[], span: Span): void {
  const clash = spans.find((s) => s.from <= span.to && span.from <= s.to);
  if (clash) {
    if (span.from === span.to && clash.from === clash.to) throw clientException(messages.duplicateContainerPort(container, span.from));
    throw clientException(messages.invalidPortRange(container, clash.label, `It overlaps the port mapping for ${span.label}.`));
  }
  spans.push(span);
}
