import { DescribeClustersCommand, ListClustersCommand } from "@aws-sdk/client-ecs";
import { html } from "lit-html";
import { clusterRow } from "../../models.js";
import { hrefOf } from "../../routes.js";
import { inBatches, listAll, type Api } from "../api.js";
import { status, trail } from "../components.js";
import type { Page } from "../page.js";

/** Every cluster of the region with its counts, as ECS's cluster list shows them. */
export async function clustersPage(api: Api): Promise<Page> {
  const arns = await listAll(async (nextToken) => {
    const r = await api.ecs.send(new ListClustersCommand({ nextToken, maxResults: 100 }));
    return { items: r.clusterArns ?? [], nextToken: r.nextToken };
  });
  const clusters = await inBatches(arns, 100, async (batch) => (await api.ecs.send(new DescribeClustersCommand({ clusters: batch }))).clusters);
  const rows = clusters.map(clusterRow).sort((a, b) => a.name.localeCompare(b.name));
  return {
    title: "Clusters",
    render: () => html`
      ${trail(["Clusters", undefined])}
      <h1>Clusters <span class="muted">${api.region}</span></h1>
      ${rows.length === 0
        ? html`<p class="empty">No clusters in ${api.region}.</p>`
        : html`<table class="clusters">
            <thead><tr><th>Cluster</th><th>Status</th><th>Active services</th><th>Running tasks</th><th>Pending tasks</th><th>Container instances</th></tr></thead>
            <tbody>
              ${rows.map(
                (c) => html`<tr>
                  <td><a href=${hrefOf({ view: "cluster", cluster: c.name, tab: "services" })}>${c.name}</a></td>
                  <td>${status(c.status)}</td>
                  <td class="num">${c.activeServices}</td>
                  <td class="num">${c.runningTasks}</td>
                  <td class="num">${c.pendingTasks}</td>
                  <td class="num">${c.instances}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}`,
  };
}
