import { randomBytes } from "node:crypto";

/** A 32-hex-digit id, as ECS uses for tasks and container instances. */
export const newId = (): string => randomBytes(16).toString("hex");
