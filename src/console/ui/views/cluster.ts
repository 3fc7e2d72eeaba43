import { DescribeClustersCommand, RunTaskCommand, type Cluster, type ContainerInstance, type Service, type Task } from "@aws-sdk/client-ecs";
import { html, type TemplateResult } from "lit-html";
import { checkCount } from "../../forms.js";
import { clusterRow, failureRows, instanceRow, serviceRow } from "../../models.js";
import { clusterTabs, hrefOf, type ClusterTab } from "../../routes.js";
import { instancesOf, recentTasksOf, servicesOf, type Api } from "../api.js";
import { formFields, status, tasksTable, trail } from "../components.js";
import type { Notice, Page, PageContext } from "../page.js";

type TabData =
  | { readonly tab: "services"; readonly services: readonly Service[] }
  | { readonly tab: "tasks"; readonly tasks: readonly Task[] }
  | { readonly tab: "instances"; readonly instances: readonly ContainerInstance[] };

async function loadTab(api: Api, cluster: string, tab: ClusterTab): Promise<TabData> {
  switch (tab) {
    case "services":
      return { tab, services: await servicesOf(api, cluster) };
    case "tasks":
      return { tab, tasks: await recentTasksOf(api, cluster) };
    case "instances":
      return { tab, instances: await instancesOf(api, cluster) };
  }
}

/** One cluster: its counts, and its services, tasks or container instances (one tab at a time). */
export async function clusterPage(api: Api, route: { readonly cluster: string; readonly tab: ClusterTab }): Promise<Page> {
  const [described, data] = await Promise.all([api.ecs.send(new DescribeClustersCommand({ clusters: [route.cluster] })), loadTab(api, route.cluster, route.tab)]);
  const cluster: Cluster | undefined = described.clusters?.[0];
  const summary = cluster && clusterRow(cluster);
  return {
    title: route.cluster,
    render: (ctx) => html`
      ${trail(["Clusters", hrefOf({ view: "clusters" })], [route.cluster, undefined])}
      <h1>${route.cluster} ${summary ? status(summary.status) : html`<span class="status bad">MISSING</span>`}</h1>
      ${summary
        ? html`<dl class="facts">
            <dt>Active services</dt><dd>${summary.activeServices}</dd>
            <dt>Running tasks</dt><dd>${summary.runningTasks}</dd>
            <dt>Pending tasks</dt><dd>${summary.pendingTasks}</dd>
            <dt>Container instances</dt><dd>${summary.instances}</dd>
          </dl>`
        : html`<p class="empty">${described.failures?.map((f) => `${f.reason ?? ""} ${f.detail ?? ""}`).join("; ") || "No such cluster."}</p>`}
      <nav class="tabs">
        ${clusterTabs.map((tab) => html`<a class=${tab === route.tab ? "tab current" : "tab"} href=${hrefOf({ view: "cluster", cluster: route.cluster, tab })}>${tabLabel[tab]}</a>`)}
      </nav>
      ${tabBody(data, route.cluster, ctx)}`,
  };
}

const tabLabel: Record<ClusterTab, string> = { services: "Services", tasks: "Tasks", instances: "Container instances" };

function tabBody(data: TabData, cluster: string, ctx: PageContext): TemplateResult {
  switch (data.tab) {
    case "services":
      return servicesTable(data.services, cluster);
    case "tasks":
      return html`${runTaskForm(cluster, ctx)}${tasksTable(data.tasks, cluster, ctx.now)}`;
    case "instances":
      return instancesTable(data.instances);
  }
}

function servicesTable(services: readonly Service[], cluster: string): TemplateResult {
  if (services.length === 0) return html`<p class="empty">No services.</p>`;
  const rows = services.map(serviceRow).sort((a, b) => a.name.localeCompare(b.name));
  return html`<table class="services">
    <thead><tr><th>Service</th><th>Status</th><th>Desired</th><th>Running</th><th>Pending</th><th>Rollout</th><th>Launch type</th></tr></thead>
    <tbody>
      ${rows.map(
        (s) => html`<tr>
          <td><a href=${hrefOf({ view: "service", cluster, service: s.name })}>${s.name}</a></td>
          <td>${status(s.status)}</td>
          <td class="num">${s.desired}</td>
          <td class="num">${s.running}</td>
          <td class="num">${s.pending}</td>
          <td>${status(s.rollout)}</td>
          <td>${s.launchType}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function instancesTable(instances: readonly ContainerInstance[]): TemplateResult {
  if (instances.length === 0) return html`<p class="empty">No container instances: start an agent (berth agent) in this cluster.</p>`;
  return html`<table class="instances">
    <thead><tr><th>Container instance</th><th>Instance id</th><th>Agent connected</th><th>Status</th><th>CPU remaining / registered</th><th>Memory (MiB) remaining / registered</th><th>Running tasks</th><th>Pending tasks</th></tr></thead>
    <tbody>
      ${instances.map(instanceRow).map(
        (i) => html`<tr>
          <td class="mono">${i.id}</td>
          <td class="mono">${i.ec2InstanceId}</td>
          <td>${status(i.agentConnected)}</td>
          <td>${status(i.status)}</td>
          <td class="num">${i.cpu}</td>
          <td class="num">${i.memory}</td>
          <td class="num">${i.runningTasks}</td>
          <td class="num">${i.pendingTasks}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** RunTask from a task definition: what started, and each placement failure as the API explains it. */
function runTaskForm(cluster: string, ctx: PageContext): TemplateResult {
  const submit = (e: Event): void => {
    const fields = formFields(e);
    const taskDefinition = (fields.taskDefinition ?? "").trim();
    const n = checkCount(fields.count ?? "", "The number of tasks", 1, 10);
    ctx.act("run task", async (): Promise<Notice> => {
      if (taskDefinition === "") return { kind: "error", action: "run task", error: { name: "Invalid input", message: "Enter a task definition (family, family:revision or ARN)." } };
      if (!n.ok) return { kind: "error", action: "run task", error: { name: "Invalid input", message: n.problem } };
      const r = await ctx.api.ecs.send(new RunTaskCommand({ cluster, taskDefinition, count: n.value, startedBy: "berth-console" }));
      return { kind: "run-task", cluster, started: r.tasks ?? [], failures: failureRows(r.failures) };
    });
  };
  return html`<form class="action" id="run-task" @submit=${submit}>
    <h2>Run task</h2>
    <label>Task definition <input name="taskDefinition" placeholder="family or family:revision" required /></label>
    <label>Count <input name="count" type="number" min="1" max="10" value="1" /></label>
    <button type="submit">Run task</button>
  </form>`;
}
