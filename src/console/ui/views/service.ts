import { DescribeServicesCommand, UpdateServiceCommand, type Service } from "@aws-sdk/client-ecs";
import { html, nothing, type TemplateResult } from "lit-html";
import { checkCount } from "../../forms.js";
import { ago, idOf, targetGroupNameOf, timeOf } from "../../format.js";
import { deploymentRow, newestFirst, placementOf, serviceRow, stagesOf, strategyOf } from "../../models.js";
import { hrefOf } from "../../routes.js";
import { deploymentsUnderWay, recentTasksOf, type Api } from "../api.js";
import { formFields, status, tasksTable, trail, when } from "../components.js";
import type { Notice, Page, PageContext } from "../page.js";
import { loadServiceHealth, scalingView, targetHealthView, utilizationView } from "./service-health.js";

/**
 * One service: its events (Berth's explanations), its targets' health, CPU and memory, deployments,
 * tasks, auto scaling, load balancers and placement.
 */
export async function servicePage(api: Api, route: { readonly cluster: string; readonly service: string }): Promise<Page> {
  const { cluster, service: name } = route;
  const [described, tasks] = await Promise.all([api.ecs.send(new DescribeServicesCommand({ cluster, services: [name] })), recentTasksOf(api, cluster, name)]);
  const service = described.services?.[0];
  const crumbs = trail(["Clusters", hrefOf({ view: "clusters" })], [cluster, hrefOf({ view: "cluster", cluster, tab: "services" })], [name, undefined]);
  if (!service) {
    const why = described.failures?.map((f) => `${f.reason ?? ""} ${f.detail ?? ""}`).join("; ");
    return { title: name, render: () => html`${crumbs}<h1>${name}</h1><p class="empty">${why || "No such service."}</p>` };
  }
  // A blue/green, linear or canary service's deployments have lifecycle stages: DescribeServiceDeployments tells them.
  const stagesShown = (service.deploymentConfiguration?.strategy ?? "ROLLING") !== "ROLLING";
  const [health, stages] = await Promise.all([loadServiceHealth(api, service, tasks), stagesShown ? deploymentsUnderWay(api, cluster, name).then(stagesOf) : undefined]);
  return {
    title: name,
    render: (ctx) => html`
      ${crumbs}
      <h1>${name} ${status(service.status ?? "")}</h1>
      ${summary(service)}
      ${actions(service, cluster, ctx)}
      <h2>Events</h2>
      ${events(service, ctx.now)}
      ${targetHealthView(health, cluster)}
      ${utilizationView(health)}
      <h2>Deployments</h2>
      ${deployments(service, stages, ctx.now)}
      <h2>Tasks</h2>
      ${tasksTable(tasks, cluster, ctx.now)}
      ${scalingView(health, ctx.now)}
      <h2>Load balancers and placement</h2>
      ${balancingAndPlacement(service)}`,
  };
}

function summary(service: Service): TemplateResult {
  const s = serviceRow(service);
  return html`<dl class="facts">
    <dt>Desired</dt><dd class="desired-count">${s.desired}</dd>
    <dt>Running</dt><dd class="running-count">${s.running}</dd>
    <dt>Pending</dt><dd>${s.pending}</dd>
    <dt>Rollout</dt><dd>${status(s.rollout)}</dd>
    <dt>Strategy</dt><dd class="strategy">${strategyOf(service)}</dd>
    <dt>Task definition</dt><dd>${idOf(service.taskDefinition)}</dd>
    <dt>Launch type</dt><dd>${s.launchType}</dd>
  </dl>`;
}

function actions(service: Service, cluster: string, ctx: PageContext): TemplateResult {
  const serviceName = service.serviceName ?? "";
  const update = (e: Event): void => {
    const n = checkCount(formFields(e).desiredCount ?? "", "The desired count", 0, 1000);
    ctx.act("update desired count", async (): Promise<Notice> => {
      if (!n.ok) return { kind: "error", action: "update desired count", error: { name: "Invalid input", message: n.problem } };
      await ctx.api.ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: n.value }));
      return { kind: "done", text: `Desired count of ${serviceName} set to ${n.value}.` };
    });
  };
  const redeploy = (e: Event): void => {
    formFields(e);
    ctx.act("force new deployment", async (): Promise<Notice> => {
      await ctx.api.ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, forceNewDeployment: true }));
      return { kind: "done", text: `A new deployment of ${serviceName} was started.` };
    });
  };
  return html`<div class="actions">
    <form class="action" id="desired-count" @submit=${update}>
      <label>Desired count <input name="desiredCount" type="number" min="0" max="1000" value=${String(service.desiredCount ?? 0)} /></label>
      <button type="submit">Update</button>
    </form>
    <form class="action" id="force-deployment" @submit=${redeploy}>
      <button type="submit">Force new deployment</button>
    </form>
  </div>`;
}

function events(service: Service, now: number): TemplateResult {
  const list = newestFirst(service.events).slice(0, 50);
  if (list.length === 0) return html`<p class="empty">No events yet.</p>`;
  return html`<ol class="events">
    ${list.map((e) => html`<li><time title=${`${timeOf(e.createdAt)} UTC`}>${ago(e.createdAt, now)}</time><span class="message">${e.message ?? ""}</span></li>`)}
  </ol>`;
}

/** The service's deployments; with `stages` (a blue/green, linear or canary service), each one's lifecycle stage too. */
function deployments(service: Service, stages: ReadonlyMap<string, string> | undefined, now: number): TemplateResult {
  const rows = (service.deployments ?? []).map((d) => deploymentRow(d, stages));
  return html`<table class="deployments">
    <thead><tr><th>Deployment</th><th>Status</th><th>Task definition</th><th>Desired</th><th>Running</th><th>Pending</th><th>Failed</th><th>Rollout</th>${stages ? html`<th>Stage</th>` : nothing}<th>Reason</th><th>Created</th></tr></thead>
    <tbody>
      ${rows.map(
        (d) => html`<tr>
          <td class="mono">${d.id}</td>
          <td>${status(d.status)}</td>
          <td>${d.taskDefinition}</td>
          <td class="num">${d.desired}</td>
          <td class="num">${d.running}</td>
          <td class="num">${d.pending}</td>
          <td class="num">${d.failed}</td>
          <td>${status(d.rollout)}</td>
          ${stages ? html`<td class="stage">${d.stage}</td>` : nothing}
          <td class="reason">${d.reason}</td>
          <td>${when(d.createdAt, now)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function balancingAndPlacement(service: Service): TemplateResult {
  const { strategy, constraints } = placementOf(service);
  const lbs = service.loadBalancers ?? [];
  return html`<dl class="facts wide">
    <dt>Load balancers</dt>
    <dd>${lbs.length === 0 ? "none" : lbs.map((lb) => html`<div class="mono">${targetGroupNameOf(lb.targetGroupArn) || lb.loadBalancerName || ""} → ${lb.containerName ?? ""}:${lb.containerPort ?? ""}</div>`)}</dd>
    <dt>Placement strategy</dt><dd>${strategy.length === 0 ? "none" : strategy.join(", ")}</dd>
    <dt>Placement constraints</dt><dd>${constraints.length === 0 ? "none" : constraints.join(", ")}</dd>
    <dt>Scheduling</dt><dd>${service.schedulingStrategy ?? nothing}</dd>
  </dl>`;
}
