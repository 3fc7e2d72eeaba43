import { DescribeTaskDefinitionCommand, ListTaskDefinitionFamiliesCommand, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import { html } from "lit-html";
import { familyRevisionOf } from "../../format.js";
import { hrefOf } from "../../routes.js";
import { listAll, type Api } from "../api.js";
import { status, trail } from "../components.js";
import type { Page } from "../page.js";

const home = hrefOf({ view: "families" });

/** The task definition families with an active revision. */
export async function familiesPage(api: Api): Promise<Page> {
  const families = await listAll(async (nextToken) => {
    const r = await api.ecs.send(new ListTaskDefinitionFamiliesCommand({ status: "ACTIVE", nextToken, maxResults: 100 }));
    return { items: r.families ?? [], nextToken: r.nextToken };
  });
  return {
    title: "Task definitions",
    render: () => html`
      ${trail(["Task definitions", undefined])}
      <h1>Task definitions</h1>
      ${families.length === 0
        ? html`<p class="empty">No task definitions.</p>`
        : html`<ul class="families">${[...families].sort().map((f) => html`<li><a href=${hrefOf({ view: "family", family: f })}>${f}</a></li>`)}</ul>`}`,
  };
}

/** The revisions of one family, newest first. */
export async function familyPage(api: Api, route: { readonly family: string }): Promise<Page> {
  const arns = await listAll(async (nextToken) => {
    const r = await api.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: route.family, sort: "DESC", nextToken, maxResults: 100 }));
    return { items: r.taskDefinitionArns ?? [], nextToken: r.nextToken };
  });
  // familyPrefix is a prefix: keep this family's revisions only.
  const revisions = arns.map(familyRevisionOf).filter((r) => r?.family === route.family);
  return {
    title: route.family,
    render: () => html`
      ${trail(["Task definitions", home], [route.family, undefined])}
      <h1>${route.family}</h1>
      <ul class="revisions">
        ${revisions.map((r) => (r ? html`<li><a href=${hrefOf({ view: "task-definition", ...r })}>${r.family}:${r.revision}</a></li>` : ""))}
      </ul>`,
  };
}

/** One revision, as DescribeTaskDefinition gives it. */
export async function taskDefinitionPage(api: Api, route: { readonly family: string; readonly revision: number }): Promise<Page> {
  const { taskDefinition } = await api.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${route.family}:${route.revision}` }));
  const name = `${route.family}:${route.revision}`;
  return {
    title: name,
    render: () => html`
      ${trail(["Task definitions", home], [route.family, hrefOf({ view: "family", family: route.family })], [String(route.revision), undefined])}
      <h1>${name} ${status(taskDefinition?.status ?? "")}</h1>
      <dl class="facts">
        <dt>Containers</dt><dd>${(taskDefinition?.containerDefinitions ?? []).map((c) => c.name ?? "").join(", ")}</dd>
        <dt>Network mode</dt><dd>${taskDefinition?.networkMode ?? ""}</dd>
        <dt>CPU / memory</dt><dd>${taskDefinition?.cpu ?? "–"} / ${taskDefinition?.memory ?? "–"}</dd>
        <dt>Compatibilities</dt><dd>${(taskDefinition?.requiresCompatibilities ?? []).join(", ")}</dd>
      </dl>
      <pre class="json">${JSON.stringify(taskDefinition, null, 2)}</pre>`,
  };
}
