/** Small pieces that several pages show the same way. Every value goes through lit-html's escaping. */
import type { Task } from "@aws-sdk/client-ecs";
import { html, nothing, type TemplateResult } from "lit-html";
import type { ShownError } from "../errors.js";
import { ago, timeOf } from "../format.js";
import { taskRow, tasksInOrder, type FailureRow } from "../models.js";
import { hrefOf } from "../routes.js";

/** A status word, coloured by what it means. */
export function status(text: string): TemplateResult {
  // ECS writes states in capitals, ELB in lower case (`healthy`), Application Auto Scaling in words (`Successful`).
  const tone = /^(ACTIVE|RUNNING|COMPLETED|PRIMARY|HEALTHY|SUCCESSFUL|yes)$/i.test(text)
    ? "good"
    : /^(FAILED|STOPPED|INACTIVE|UNHEALTHY|DRAINING|no)$/i.test(text)
      ? "bad"
      : /^(PENDING|PROVISIONING|ACTIVATING|IN_PROGRESS|INPROGRESS|INITIAL|DEACTIVATING|STOPPING|DEPROVISIONING|ACTIVE_IMPAIRED)$/i.test(text)
        ? "busy"
        : "plain";
  return html`<span class="status ${tone}">${text}</span>`;
}

/** A time as "12 s ago", the exact UTC time in its tooltip. */
export const when = (at: Date | undefined, now: number): TemplateResult | typeof nothing =>
  at ? html`<time datetime=${at.toISOString()} title=${`${timeOf(at)} UTC`}>${ago(at, now)}</time>` : nothing;

/** An API error: its exception name first, as AWS names it, then its message. */
export const errorBox = (e: ShownError, doing?: string): TemplateResult =>
  html`<div class="error" role="alert"><strong class="exception">${e.name}</strong>${doing ? html` <span class="doing">(${doing})</span>` : nothing}<p>${e.message}</p></div>`;

/** Placement failures as the API gave them: the resource, its reason and the detail. */
export const failuresTable = (failures: readonly FailureRow[]): TemplateResult => html`
  <table class="failures">
    <thead><tr><th>Resource</th><th>Reason</th><th>Detail</th></tr></thead>
    <tbody>${failures.map((f) => html`<tr><td class="mono">${f.resource}</td><td class="reason">${f.reason}</td><td>${f.detail}</td></tr>`)}</tbody>
  </table>`;

/** Tasks of a cluster or service: wanted ones first, stopped ones with why they stopped. */
export function tasksTable(tasks: readonly Task[], cluster: string, now: number): TemplateResult {
  if (tasks.length === 0) return html`<p class="empty">No tasks.</p>`;
  return html`
    <table class="tasks">
      <thead><tr><th>Task</th><th>Task definition</th><th>Last status</th><th>Desired</th><th>Started</th><th>Stopped</th><th>Stopped reason</th></tr></thead>
      <tbody>
        ${tasksInOrder(tasks).map(taskRow).map(
          (t) => html`<tr>
            <td class="mono"><a href=${hrefOf({ view: "task", cluster, task: t.id })}>${t.id}</a></td>
            <td>${t.taskDefinition}</td>
            <td>${status(t.lastStatus)}</td>
            <td>${t.desiredStatus}</td>
            <td>${when(t.startedAt, now)}</td>
            <td>${when(t.stoppedAt, now)}</td>
            <td class="reason">${t.stoppedReason}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
}

/** The breadcrumb trail above a page's title. */
export const trail = (...steps: readonly (readonly [label: string, href: string | undefined])[]): TemplateResult =>
  html`<nav class="trail">${steps.map(([label, href], i) => html`${i > 0 ? html`<span class="sep">/</span>` : nothing}${href ? html`<a href=${href}>${label}</a>` : html`<span>${label}</span>`}`)}</nav>`;

/** The text fields of a submitted form, by name. */
export function formFields(e: Event): Record<string, string> {
  e.preventDefault();
  const form = e.currentTarget;
  if (!(form instanceof HTMLFormElement)) return {};
  const fields: Record<string, string> = {};
  new FormData(form).forEach((v, k) => {
    if (typeof v === "string") fields[k] = v;
  });
  return fields;
}
