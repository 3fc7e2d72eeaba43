import { attributesCheck } from "./filters/attributes.js";
import { distinctInstanceCheck, memberOfCheck } from "./filters/constraints.js";
import { tcpPortsCheck, udpPortsCheck } from "./filters/ports.js";
import { cpuCheck, gpuCheck, memoryCheck } from "./filters/resources.js";
import { agentCheck, drainingCheck, inactiveCheck } from "./filters/status.js";
import type { Check } from "./instance-view.js";
import { InvalidPlacementRequest } from "./invalid-request.js";
import { parseExpression } from "./query/parser.js";
import { compileStrategies, type StrategyKey } from "./strategies/keys.js";
import type { PlacementRequest } from "./types.js";

/**
 * A PlacementRequest with everything that does not depend on the instance computed once (the
 * Kubernetes "PreFilter" idea): memberOf expressions parsed, the list of checks that apply in
 * their reporting order, and the strategies turned into sort keys.
 */
export interface CompiledRequest {
  readonly count: number;
  readonly group: string;
  readonly cpu: number;
  readonly memory: number;
  readonly gpuCount: number;
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
  readonly dynamicPortCount: number;
  /** In the order an instance's first failure is reported: status, agent, resources, attributes, constraints. */
  readonly checks: readonly Check[];
  readonly keys: readonly StrategyKey[];
}

/** Throws InvalidPlacementRequest for a request no caller should build, QuerySyntaxError for a bad memberOf. */
export function compileRequest(request: PlacementRequest): CompiledRequest {
  const count = request.count;
  if (!Number.isInteger(count) || count < 0) throw new InvalidPlacementRequest(`count must be a whole number ≥ 0, not ${count}`);
  for (const [name, value] of [["cpu", request.cpu], ["memory", request.memory], ["gpuCount", request.gpuCount ?? 0]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new InvalidPlacementRequest(`${name} must be ≥ 0, not ${value}`);
  }
  const tcpPorts = uniquePorts(request.tcpPorts ?? [], "TCP");
  const udpPorts = uniquePorts(request.udpPorts ?? [], "UDP");
  const gpuCount = request.gpuCount ?? 0;

  const checks: Check[] = [inactiveCheck, drainingCheck, agentCheck, cpuCheck(request.cpu), memoryCheck(request.memory)];
  if (tcpPorts.length > 0) checks.push(tcpPortsCheck(tcpPorts));
  if (udpPorts.length > 0) checks.push(udpPortsCheck(udpPorts));
  if (gpuCount > 0) checks.push(gpuCheck(gpuCount));
  if ((request.requiredAttributes ?? []).length > 0) checks.push(attributesCheck(request.requiredAttributes ?? []));
  const constraints = request.constraints ?? [];
  if (constraints.some((c) => c.type === "distinctInstance")) checks.push(distinctInstanceCheck(request.group));
  for (const c of constraints) {
    if (c.type === "memberOf") checks.push(memberOfCheck(c.expression, c.parsed ?? parseExpression(c.expression)));
  }

  return {
    count,
    group: request.group,
    cpu: request.cpu,
    memory: request.memory,
    gpuCount,
    tcpPorts,
    udpPorts,
    dynamicPortCount: request.dynamicPortCount ?? 0,
    checks,
    keys: compileStrategies(request.strategies ?? []),
  };
}

function uniquePorts(ports: readonly number[], protocol: string): number[] {
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new InvalidPlacementRequest(`${protocol} host port ${p} is out of range`);
  }
  // Two containers of one task binding the same host port can never fit; the task-definition
  // validator rejects that, so here a duplicate is simply counted once.
  return [...new Set(ports)];
}
