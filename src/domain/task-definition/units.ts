/**
 * Task-level `cpu` and `memory` are strings on the wire. ECS accepts CPU units ("1024") or vCPUs
 * ("1 vCPU", "1 vcpu", "0.25 vCPU") for cpu, and MiB ("1024") or GB ("1GB", "1 GB") for memory, and
 * stores the canonical integer string ("1024") on register (API reference, RegisterTaskDefinition).
 */

const plainInteger = /^\d+$/;
const decimal = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const withVcpu = new RegExp(String.raw`^${decimal}\s*vcpu$`, "i");
const withGb = new RegExp(String.raw`^${decimal}\s*gb$`, "i");

/** One vCPU is 1024 CPU units; one GB of task memory is 1024 MiB (ECS's own conversion). */
const unitsPerWhole = 1024;

/**
 * `value × 1024` when that is a whole number. Floating point makes 0.1 × 1024 inexact, so the product is
 * rounded and accepted only when the rounding changed nothing that matters.
 */
function scaled(value: string): number | undefined {
  const product = Number(value) * unitsPerWhole;
  const rounded = Math.round(product);
  return Math.abs(product - rounded) < 1e-6 ? rounded : undefined;
}

function parse(text: string, unit: RegExp): number | undefined {
  const trimmed = text.trim();
  if (plainInteger.test(trimmed)) return Number(trimmed);
  const m = unit.exec(trimmed);
  return m ? scaled(m[1]!) : undefined;
}

/** CPU units for a task `cpu` string, or undefined when ECS would not understand it. */
export const parseTaskCpu = (text: string): number | undefined => parse(text, withVcpu);

/** MiB for a task `memory` string, or undefined when ECS would not understand it. */
export const parseTaskMemory = (text: string): number | undefined => parse(text, withGb);

/** EC2 and EXTERNAL task cpu bounds: 0.125 to 192 vCPU (API reference, RegisterTaskDefinition `cpu`). */
export const ec2TaskCpu = { min: 128, max: 196_608 } as const;

/**
 * The most task memory Berth takes, in MiB. ECS documents no maximum for EC2 tasks, but converts the
 * string "to an integer" on register and types container memory as a 32-bit Integer, so a task
 * memory beyond that range could never be honoured; 2147483647 MiB (2 PiB) is far above any host.
 */
export const maxTaskMemory = 2_147_483_647;
