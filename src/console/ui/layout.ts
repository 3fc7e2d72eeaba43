import { html, nothing, type TemplateResult } from "lit-html";
import type { ShownError } from "../errors.js";
import { idOf, timeOf } from "../format.js";
import { hrefOf, sectionOf, type Route } from "../routes.js";
import { errorBox, failuresTable, status } from "./components.js";
import type { Notice } from "./page.js";

export interface Frame {
  readonly route: Route;
  readonly region: string;
  readonly accessKeyId: string;
  readonly notice: Notice | undefined;
  readonly loadError: ShownError | undefined;
  readonly loadedAt: number | undefined;
  readonly body: TemplateResult | undefined;
}

/** The page around every view: navigation, who is signed in, the last action's outcome, and errors. */
export function layout(frame: Frame, signOut: () => void): TemplateResult {
  const section = sectionOf(frame.route);
  return html`<header>
      <a class="brand" href=${hrefOf({ view: "clusters" })}>Berth</a>
      <nav>
        <a class=${section === "clusters" ? "current" : ""} href=${hrefOf({ view: "clusters" })}>Clusters</a>
        <a class=${section === "task-definitions" ? "current" : ""} href=${hrefOf({ view: "families" })}>Task definitions</a>
      </nav>
      <span class="who">${frame.accessKeyId} · ${frame.region}</span>
      <button type="button" class="sign-out" @click=${signOut}>Sign out</button>
    </header>
    <main>
      ${frame.notice ? noticeBox(frame.notice) : nothing}
      ${frame.loadError ? errorBox(frame.loadError, "loading this page") : nothing}
      ${frame.body ?? (frame.loadError ? nothing : html`<p class="muted">Loading…</p>`)}
      ${frame.loadedAt ? html`<p class="refreshed muted">Updated ${timeOf(new Date(frame.loadedAt))} UTC; refreshes every few seconds.</p>` : nothing}
    </main>`;
}

function noticeBox(n: Notice): TemplateResult {
  switch (n.kind) {
    case "error":
      return errorBox(n.error, n.action);
    case "done":
      return html`<div class="notice" role="status">${n.text}</div>`;
    case "run-task":
      return html`<div class=${n.failures.length > 0 ? "notice run-task has-failures" : "notice run-task"} role="status">
        <p>RunTask started ${n.started.length} task${n.started.length === 1 ? "" : "s"}${n.failures.length > 0 ? html` and answered ${n.failures.length} failure${n.failures.length === 1 ? "" : "s"}:` : "."}</p>
        ${n.started.map((t) => html`<div><a class="mono" href=${hrefOf({ view: "task", cluster: n.cluster, task: idOf(t.taskArn) })}>${idOf(t.taskArn)}</a> ${status(t.lastStatus ?? "")}</div>`)}
        ${n.failures.length > 0 ? failuresTable(n.failures) : nothing}
      </div>`;
  }
}
