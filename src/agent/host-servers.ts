import type { RequestListener, ServerResponse } from "node:http";
import type { DockerClient } from "./docker/docker-client.js";
import { introspectionTask, metadataContainer, metadataTask } from "./host-views.js";
import type { TaskActor } from "./task-actor.js";
import type { TaskManager } from "./task-manager.js";
import { serveTaskProtection, type ProtectionCall } from "./task-protection-endpoint.js";

const agentVersion = "Amazon ECS Agent - v1.105.1 (berth)";

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The request's URL, or undefined for a target the URL parser rejects (`GET //[` passes the HTTP
 * parser): thrown in a request listener, that would end the agent.
 */
function requestUrl(target: string | undefined): URL | undefined {
  return URL.canParse(target ?? "/", "http://localhost") ? new URL(target ?? "/", "http://localhost") : undefined;
}

/**
 * The introspection API (ECS agent port 51678): `/v1/metadata`, `/v1/tasks`,
 * `/v1/tasks?taskarn=…` and `/v1/tasks?dockerid=…` (a 12-character prefix is enough).
 */
export function introspectionHandler(opts: { readonly cluster: string; readonly instanceArn: () => string | undefined; readonly tasks: TaskManager }): RequestListener {
  return (req, res) => {
    const url = requestUrl(req.url);
    if (!url) return json(res, 400, { error: "the request target is not a URL path" });
    if (url.pathname === "/v1/metadata") {
      return json(res, 200, { Cluster: opts.cluster, ContainerInstanceArn: opts.instanceArn() ?? null, Version: agentVersion });
    }
    if (url.pathname !== "/v1/tasks") return json(res, 404, { error: `no such path: ${url.pathname}` });
    const taskArn = url.searchParams.get("taskarn");
    const dockerId = url.searchParams.get("dockerid");
    const actors = [...opts.tasks.actors.values()];
    if (taskArn !== null && dockerId !== null) return json(res, 400, { error: "give taskarn or dockerid, not both" });
    if (taskArn !== null) {
      const actor = opts.tasks.actors.get(taskArn);
      return actor ? json(res, 200, introspectionTask(actor)) : json(res, 404, { error: `no task ${taskArn}` });
    }
    if (dockerId !== null) {
      const matches = actors.filter((a) => [...a.containers.values()].some((c) => c.dockerId?.startsWith(dockerId)));
      if (matches.length > 1) return json(res, 400, { error: `docker id ${dockerId} is ambiguous` });
      return matches[0] ? json(res, 200, introspectionTask(matches[0])) : json(res, 404, { error: `no task with docker id ${dockerId}` });
    }
    return json(res, 200, { Tasks: actors.map(introspectionTask) });
  };
}

/**
 * The task metadata endpoint v4 (ECS agent port 51679). Each container's
 * ECS_CONTAINER_METADATA_URI_V4 names it by its own id: `/v4/<id>`, `/v4/<id>/task`,
 * `/v4/<id>/stats`, `/v4/<id>/task/stats`; its ECS_AGENT_URI (`/api/<id>`) serves the task
 * scale-in protection endpoint `/api/<id>/task-protection/v1/state` (task-protection-endpoint.ts).
 */
export function metadataHandler(opts: {
  readonly cluster: string;
  readonly tasks: TaskManager;
  readonly docker: DockerClient;
  readonly protection?: ProtectionCall | undefined;
}): RequestListener {
  const find = (id: string): { actor: TaskActor; name: string } | undefined => {
    for (const actor of opts.tasks.actors.values()) {
      for (const c of actor.containers.values()) if (c.metadataId === id) return { actor, name: c.name };
    }
    return undefined;
  };
  return (req, res) => {
    const api = /^\/api\/([^/]+)\/task-protection\/v1\/state\/?$/.exec(requestUrl(req.url)?.pathname ?? "");
    if (api) {
      const owner = find(api[1]!);
      if (!owner || !opts.protection) return json(res, 404, { error: "unknown agent API path" });
      serveTaskProtection(req, res, owner.actor.spec.taskArn, opts.protection);
      return;
    }
    const m = /^\/v4\/([^/]+)(\/task)?(\/stats)?\/?$/.exec(requestUrl(req.url)?.pathname ?? "");
    const found = m && find(m[1]!);
    if (!m || !found) return json(res, 404, { error: "unknown metadata path" });
    const { actor, name } = found;
    const container = actor.containers.get(name)!;
    const stats = async (ids: readonly string[]) =>
      Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await opts.docker.stats(id).catch(() => null)] as const)));
    if (m[3]) {
      const ids = m[2] ? [...actor.containers.values()].flatMap((c) => (c.dockerId ? [c.dockerId] : [])) : [container.dockerId ?? ""];
      stats(ids).then(
        (byId) => json(res, 200, m[2] ? byId : byId[container.dockerId ?? ""]),
        (err: unknown) => json(res, 500, { error: String(err) }),
      );
      return;
    }
    return json(res, 200, m[2] ? metadataTask(actor, opts.cluster) : metadataContainer(actor, container));
  };
}
