import type { IncomingMessage, ServerResponse } from "node:http";
import { taskProtectionUpdate, type TaskProtectionState } from "../agent-protocol/task-protection.js";
import { BerthCallError } from "./berth-call.js";

/** Reads (no update) or sets a task's protection through the server (api/berth/task-protection.ts). */
export type ProtectionCall = (taskArn: string, update?: { readonly enabled: boolean; readonly expiresInMinutes?: number | undefined }) => Promise<TaskProtectionState>;

/** A PUT body is a few dozen bytes; anything past this is refused unread. */
const maxBodyBytes = 4096;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseUpdate(text: string | undefined): { enabled: boolean; expiresInMinutes?: number | undefined } | string {
  if (text === undefined) return `the request body is larger than ${maxBodyBytes} bytes`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return "the request body is not JSON";
  }
  const parsed = taskProtectionUpdate.safeParse(raw);
  if (!parsed.success) return 'the request body must be {"ProtectionEnabled": true|false, "ExpiresInMinutes": <integer, optional>}';
  return { enabled: parsed.data.ProtectionEnabled, expiresInMinutes: parsed.data.ExpiresInMinutes };
}

/**
 * `${ECS_AGENT_URI}/task-protection/v1/state`, as the ECS agent serves it to its task's containers:
 * GET answers the task's protection, PUT `{"ProtectionEnabled": …, "ExpiresInMinutes": …}` sets it;
 * `{"protection": …}` or `{"failure": …}` (200), `{"error": {Arn, Code, Message}}` when the call
 * was refused or did not get through. The task is the one the path's container belongs to: a
 * container names no other task.
 */
export function serveTaskProtection(req: IncomingMessage, res: ServerResponse, taskArn: string, call: ProtectionCall): void {
  const error = (status: number, Code: string, Message: string) => send(res, status, { error: { Arn: taskArn, Code, Message } });
  const answer = (p: Promise<TaskProtectionState>): void => {
    void p.then(
      (state) => send(res, 200, state),
      (err: unknown) =>
        err instanceof BerthCallError
          ? error(err.status >= 400 && err.status < 600 ? err.status : 500, err.code, err.message)
          : error(500, "RequestCanceled", "Timed out or failed calling Berth's task protection API."),
    );
  };
  if (req.method === "GET") return answer(call(taskArn));
  if (req.method !== "PUT") return error(405, "InvalidRequest", `${req.method ?? "?"} is not supported: use GET or PUT.`);
  void readBody(req).then(
    (text) => {
      const update = parseUpdate(text);
      if (typeof update === "string") return error(400, "InvalidRequest", update);
      answer(call(taskArn, update));
    },
    () => error(400, "InvalidRequest", "the request body could not be read"),
  );
}
