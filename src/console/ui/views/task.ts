import { DescribeTaskDefinitionCommand, DescribeTasksCommand, StopTaskCommand, type Task, type TaskDefinition } from "@aws-sdk/client-ecs";
import { html, nothing, type TemplateResult } from "lit-html";
import { checkReason } from "../../forms.js";
import { familyRevisionOf, idOf, taskDefinitionOf } from "../../format.js";
import { containerRows } from "../../models.js";
import { hrefOf } from "../../routes.js";
import { ec2InstanceIdsOf, type Api } from "../api.js";
import { formFields, status, trail, when } from "../components.js";
import type { Notice, Page, PageContext } from "../page.js";

/** One task: why it is where it is (or why it stopped), its containers, and its task definition. */
export async function taskPage(api: Api, route: { readonly cluster: string; readonly task: string }): Promise<Page> {
  const { cluster, task: id } = route;
  const described = await api.ecs.send(new DescribeTasksCommand({ cluster, tasks: [id] }));
  const task = described.tasks?.[0];
  const crumbs = trail(["Clusters", hrefOf({ view: "clusters" })], [cluster, hrefOf({ view: "cluster", cluster, tab: "tasks" })], [id, undefined]);
  if (!task) {
    const why = described.failures?.map((f) => `${f.reason ?? ""} ${f.detail ?? ""}`).join("; ");
    return { title: id, render: () => html`${crumbs}<h1>Task ${id}</h1><p class="empty">${why || "No such task."}</p>` };
  }
  const [definition, ec2InstanceId] = await Promise.all([
    task.taskDefinitionArn ? api.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: task.taskDefinitionArn })).then((r) => r.taskDefinition) : undefined,
    task.containerInstanceArn ? ec2InstanceIdsOf(api, cluster, [task.containerInstanceArn]).then((ids) => ids.get(task.containerInstanceArn!)) : undefined,
  ]);
  return {
    title: id,
    render: (ctx) => html`
      ${crumbs}
      <h1>Task <span class="mono">${id}</span> ${status(task.lastStatus ?? "")}</h1>
      ${task.stoppedReason || task.stopCode
        ? html`<div class="why"><strong>${task.stopCode ?? "Stopped"}</strong><p class="stopped-reason">${task.stoppedReason ?? ""}</p></div>`
        : nothing}
      ${facts(task, cluster, ec2InstanceId, ctx.now)}
      ${task.desiredStatus !== "STOPPED" ? stopForm(task, cluster, ctx) : nothing}
      <h2>Containers</h2>
      ${containers(task)}
      <h2>Task definition</h2>
      ${definitionOf(task, definition)}`,
  };
}

function facts(task: Task, cluster: string, ec2InstanceId: string | undefined, now: number): TemplateResult {
  return html`<dl class="facts wide">
    <dt>Last status</dt><dd>${status(task.lastStatus ?? "")}</dd>
    <dt>Desired status</dt><dd>${task.desiredStatus ?? ""}</dd>
    <dt>Started by</dt><dd>${task.startedBy ?? ""}</dd>
    <dt>Group</dt><dd>${task.group?.startsWith("service:") ? html`<a href=${hrefOf({ view: "service", cluster, service: task.group.slice(8) })}>${task.group}</a>` : (task.group ?? "")}</dd>
    <dt>Launch type</dt><dd>${task.launchType ?? task.capacityProviderName ?? ""}</dd>
    <dt>Runs on</dt><dd class="mono runs-on">${idOf(task.containerInstanceArn) || "–"}${ec2InstanceId ? ` (${ec2InstanceId})` : ""}</dd>
    <dt>Availability zone</dt><dd>${task.availabilityZone ?? ""}</dd>
    <dt>CPU / memory</dt><dd>${task.cpu ?? "–"} / ${task.memory ?? "–"}</dd>
    <dt>Created</dt><dd>${when(task.createdAt, now)}</dd>
    <dt>Started</dt><dd>${when(task.startedAt, now)}</dd>
    <dt>Stopped</dt><dd>${when(task.stoppedAt, now)}</dd>
    <dt>Stop code</dt><dd>${task.stopCode ?? ""}</dd>
  </dl>`;
}

function stopForm(task: Task, cluster: string, ctx: PageContext): TemplateResult {
  const submit = (e: Event): void => {
    const reason = checkReason(formFields(e).reason ?? "");
    ctx.act("stop task", async (): Promise<Notice> => {
      if (!reason.ok) return { kind: "error", action: "stop task", error: { name: "Invalid input", message: reason.problem } };
      await ctx.api.ecs.send(new StopTaskCommand({ cluster, task: task.taskArn ?? "", reason: reason.value }));
      return { kind: "done", text: `Task ${idOf(task.taskArn)} is stopping.` };
    });
  };
  return html`<form class="action" id="stop-task" @submit=${submit}>
    <label>Reason <input name="reason" maxlength="255" placeholder="why you stop it (shown as stoppedReason)" /></label>
    <button type="submit" class="danger">Stop task</button>
  </form>`;
}

function containers(task: Task): TemplateResult {
  return html`<table class="containers">
    <thead><tr><th>Container</th><th>Image</th><th>Last status</th><th>Exit code</th><th>Reason</th><th>Health</th><th>Network bindings</th></tr></thead>
    <tbody>
      ${containerRows(task).map(
        (c) => html`<tr>
          <td>${c.name}</td>
          <td class="mono">${c.image}</td>
          <td>${status(c.lastStatus)}</td>
          <td class="num">${c.exitCode}</td>
          <td class="reason">${c.reason}</td>
          <td>${c.health}</td>
          <td class="mono">${c.bindings.map((b) => html`<div>${b}</div>`)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function definitionOf(task: Task, definition: TaskDefinition | undefined): TemplateResult {
  const ref = familyRevisionOf(task.taskDefinitionArn);
  return html`<p>
      ${ref ? html`<a href=${hrefOf({ view: "task-definition", ...ref })}>${taskDefinitionOf(task.taskDefinitionArn)}</a>` : taskDefinitionOf(task.taskDefinitionArn)}
    </p>
    ${definition ? html`<details><summary>JSON</summary><pre class="json">${JSON.stringify(definition, null, 2)}</pre></details>` : nothing}`;
}
