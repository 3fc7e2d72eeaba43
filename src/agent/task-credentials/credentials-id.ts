import { createHmac, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

/**
 * The id in a task's `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (`/v2/credentials/<id>`): an HMAC of
 * the task's ARN under a key only this agent holds (`<data-dir>/task-credentials-key`, mode 0600).
 * Unguessable by other tasks, yet the same after an agent restart, so that the containers it
 * re-adopts (whose environment cannot change) keep reaching their credentials.
 */
export function credentialsIdOf(key: Buffer, taskArn: string): string {
  const h = createHmac("sha256", key).update(taskArn, "utf8").digest("hex");
  // UUID-shaped, as the ECS agent's ids are.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The agent's key for {@link credentialsIdOf}, created on first use. */
export function loadOrCreateCredentialsKey(path: string): Buffer {
  if (existsSync(path)) {
    const key = readFileSync(path);
    if (key.length === 32) return key;
  }
  rmSync(`${path}.tmp`, { force: true }); // the mode applies only to a file being created
  const key = randomBytes(32);
  writeFileSync(`${path}.tmp`, key, { mode: 0o600, flag: "wx" });
  renameSync(`${path}.tmp`, path);
  return key;
}

/** The environment a task's containers get: the relative URI of its credentials, when it has a role. */
export function credentialsEnv(id: string, spec: { readonly taskRoleArn?: string | undefined }): Record<string, string> {
  const env: Record<string, string> = {};
  if (spec.taskRoleArn !== undefined) env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = `/v2/credentials/${id}`;
  return env;
}
