/**
 * Docker engine events (`GET /events`), validated from the stream's JSON. The agent watches
 * container events (start, die, oom, health_status) to learn of changes without polling.
 */
import { stringField } from "./engine-json.js";

export interface DockerEvent {
  /** `container`, `image`, `network`, `volume`, … */
  readonly type: string;
  /** The first word of Docker's action: `health_status: healthy` → `health_status`. */
  readonly action: string;
  /** What follows the action word, e.g. `healthy`; "" when none. */
  readonly detail: string;
  /** The object's id (a container id for container events). */
  readonly id: string;
  /** Actor attributes: the container's labels, `name`, `image`, `exitCode` on die. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly timeMs: number;
}

/** A DockerEvent from one parsed line of the stream; undefined when the line is not an event. */
export function parseDockerEvent(value: unknown): DockerEvent | undefined {
  const type = stringField(value, "Type");
  const fullAction = stringField(value, "Action");
  if (type === undefined || fullAction === undefined || typeof value !== "object" || value === null) return undefined;
  const actor: unknown = "Actor" in value ? value.Actor : undefined;
  const id = stringField(actor, "ID") ?? stringField(value, "id");
  if (id === undefined) return undefined;
  const separator = fullAction.indexOf(":");
  return {
    type,
    action: separator < 0 ? fullAction : fullAction.slice(0, separator),
    detail: separator < 0 ? "" : fullAction.slice(separator + 1).trim(),
    id,
    attributes: stringRecord(typeof actor === "object" && actor !== null && "Attributes" in actor ? actor.Attributes : undefined),
    timeMs: eventTime(value),
  };
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

function eventTime(value: object): number {
  const nano = "timeNano" in value ? value.timeNano : undefined;
  if (typeof nano === "number") return Math.floor(nano / 1e6);
  const seconds = "time" in value ? value.time : undefined;
  return typeof seconds === "number" ? seconds * 1000 : 0;
}
