/**
 * CPU and memory of the containers, alone and against the task's size.
 *
 * - Without task memory, every container needs `memory` or `memoryReservation` (ECS's rule for EC2).
 *   A definition that requires FARGATE is left to the Fargate check, which asks for task memory.
 * - `memory ≥ memoryReservation` when both are set (the developer guide said ">" until 2023; ECS
 *   accepts equal values and the guide was corrected).
 * - Docker 20.10+ needs 6 MiB per container.
 * - With task memory: no container's hard limit above it, and the containers' reservations
 *   (memoryReservation, else memory) sum to at most the task memory.
 * - With task cpu: the containers' cpu sum to at most the task cpu.
 */
import { clientException } from "../../errors/catalog.js";
import { messages } from "./messages.js";
import type { NormalizedContainer, TaskFacts } from "./types.js";

export const minContainerMemory = 6;

/** MiB a container reserves on its host: its soft limit when set, else its hard limit. */
export const reservedMemory = (c: NormalizedContainer): number => c.memoryReservation ?? c.memory ?? 0;

export function checkResources(containers: readonly NormalizedContainer[], facts: TaskFacts): void {
  for (const c of containers) {
    const { memory, memoryReservation } = c;
    if (memory === undefined && memoryReservation === undefined && facts.memory === undefined && !facts.requires.includes("FARGATE")) {
      throw clientException(messages.memoryRequired(c.name));
    }
    for (const [field, value] of [["memory", memory], ["memoryReservation", memoryReservation]] as const) {
      if (value !== undefined && value < minContainerMemory) {
        throw clientException(messages.memoryTooSmall(c.name, field, value, minContainerMemory));
      }
    }
    if (memory !== undefined && memoryReservation !== undefined && memory < memoryReservation) {
      throw clientException(messages.memoryBelowReservation(c.name, memory, memoryReservation));
    }
    if (facts.memory !== undefined && memory !== undefined && memory > facts.memory) {
      throw clientException(messages.containerMemoryAboveTask(c.name));
    }
  }
  if (facts.memory !== undefined) {
    const sum = containers.reduce((total, c) => total + reservedMemory(c), 0);
    if (sum > facts.memory) {
      const field = containers.some((c) => c.memoryReservation !== undefined) ? "memoryReservation" : "memory";
      throw clientException(messages.reservationSumAboveTask(field, sum, facts.memory));
    }
  }
  if (facts.cpu !== undefined) {
    const sum = containers.reduce((total, c) => total + c.cpu, 0);
    if (sum > facts.cpu) throw clientException(messages.cpuSumAboveTask(sum, facts.cpu));
  }
}
