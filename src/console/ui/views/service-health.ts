/**
 * What a service's page shows beside ECS's own view of it: the health of its load balancers'
 * targets (ELBv2), its CPU and memory over the last hour (CloudWatch's AWS/ECS metrics) and how
 * Application Auto Scaling drives its desired count. Each part loads on its own: a call the
 * signed-in user may not make shows its error in that part only.
 */
import {
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  type ScalableTarget,
} from "@aws-sdk/client-application-auto-scaling";
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { LoadBalancer, Service, Task } from "@aws-sdk/client-ecs";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { html, nothing, svg, type TemplateResult } from "lit-html";
import { shownError, type ShownError } from "../../errors.js";
import { idOf, targetGroupNameOf } from "../../format.js";
import { activityRows, policyRow, scalingResourceId, scheduledRow, targetFacts, type ActivityRow, type RuleRow } from "../../scaling.js";
import { linePoints, percent, seriesOf, summaryOf, topOf, type Series } from "../../series.js";
import { targetRows, type TargetRow } from "../../targets.js";
import { hrefOf } from "../../routes.js";
import { ec2InstanceIdsOf, type Api } from "../api.js";
import { errorBox, status, when } from "../components.js";

/** Loaded, or the error its calls gave. */
type Part<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ShownError };

async function part<T>(load: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await load() };
  } catch (err) {
    return { ok: false, error: shownError(err) };
  }
}

interface GroupHealth {
  readonly balanced: LoadBalancer;
  readonly rows: readonly TargetRow[];
}

interface Utilization {
  readonly from: number;
  readonly to: number;
  readonly cpu: Series;
  readonly memory: Series;
}

interface Scaling {
  readonly target: ScalableTarget;
  readonly rules: readonly RuleRow[];
  readonly activities: readonly ActivityRow[];
}

export interface ServiceHealth {
  readonly targets: Part<readonly GroupHealth[]>;
  readonly utilization: Part<Utilization>;
  /** Undefined when Application Auto Scaling has no scalable target for the service. */
  readonly scaling: Part<Scaling | undefined>;
}

const hour = 3_600_000;

export async function loadServiceHealth(api: Api, service: Service, tasks: readonly Task[]): Promise<ServiceHealth> {
  const cluster = idOf(service.clusterArn);
  const name = service.serviceName ?? "";
  const [targets, utilization, scaling] = await Promise.all([part(() => targetsOf(api, service, tasks)), part(() => utilizationOf(api, cluster, name)), part(() => scalingOf(api, cluster, name))]);
  return { targets, utilization, scaling };
}

async function targetsOf(api: Api, service: Service, tasks: readonly Task[]): Promise<GroupHealth[]> {
  const balanced = (service.loadBalancers ?? []).filter((lb) => lb.targetGroupArn);
  if (balanced.length === 0) return [];
  const instanceArns = [...new Set(tasks.flatMap((t) => (t.containerInstanceArn ? [t.containerInstanceArn] : [])))];
  const [instanceIds, ...healths] = await Promise.all([
    ec2InstanceIdsOf(api, service.clusterArn, instanceArns),
    ...balanced.map((lb) => api.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: lb.targetGroupArn }))),
  ]);
  return balanced.map((lb, i) => ({ balanced: lb, rows: targetRows(healths[i]?.TargetHealthDescriptions ?? [], tasks, lb, instanceIds) }));
}

async function utilizationOf(api: Api, cluster: string, service: string): Promise<Utilization> {
  const to = Date.now();
  const from = to - hour;
  const query = (Id: string, MetricName: string) => ({
    Id,
    MetricStat: { Metric: { Namespace: "AWS/ECS", MetricName, Dimensions: [{ Name: "ClusterName", Value: cluster }, { Name: "ServiceName", Value: service }] }, Period: 60, Stat: "Average" },
  });
  const r = await api.cloudwatch.send(new GetMetricDataCommand({ StartTime: new Date(from), EndTime: new Date(to), MetricDataQueries: [query("cpu", "CPUUtilization"), query("memory", "MemoryUtilization")] }));
  const result = (id: string): Series => seriesOf(r.MetricDataResults?.find((m) => m.Id === id));
  return { from, to, cpu: result("cpu"), memory: result("memory") };
}

async function scalingOf(api: Api, cluster: string, service: string): Promise<Scaling | undefined> {
  const ResourceId = scalingResourceId(cluster, service);
  const ServiceNamespace = "ecs";
  const described = await api.scaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace, ResourceIds: [ResourceId], ScalableDimension: "ecs:service:DesiredCount" }));
  const target = described.ScalableTargets?.[0];
  if (!target) return undefined;
  const [policies, scheduled, activities] = await Promise.all([
    api.scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace, ResourceId })),
    api.scaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace, ResourceId })),
    api.scaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace, ResourceId, MaxResults: 10 })),
  ]);
  return {
    target,
    rules: [...(policies.ScalingPolicies ?? []).map(policyRow), ...(scheduled.ScheduledActions ?? []).map(scheduledRow)],
    activities: activityRows(activities.ScalingActivities ?? []),
  };
}

const shown = <T>(p: Part<T>, doing: string, draw: (value: T) => TemplateResult | typeof nothing): TemplateResult | typeof nothing => (p.ok ? draw(p.value) : errorBox(p.error, doing));

/** Each target group's targets: ELB's state, reason and description, and the task behind each. */
export const targetHealthView = (h: ServiceHealth, cluster: string): TemplateResult | typeof nothing =>
  shown(h.targets, "describe target health", (groups) =>
    groups.length === 0
      ? nothing
      : html`<h2>Target health</h2>
          ${groups.map(
            (g) => html`<table class="targets">
              <caption class="mono">${targetGroupNameOf(g.balanced.targetGroupArn)} → ${g.balanced.containerName ?? ""}:${g.balanced.containerPort ?? ""}</caption>
              <thead><tr><th>Target</th><th>Task</th><th>State</th><th>Reason</th><th>Description</th></tr></thead>
              <tbody>
                ${g.rows.length === 0 ? html`<tr><td colspan="5" class="empty">No targets registered.</td></tr>` : nothing}
                ${g.rows.map(
                  (r) => html`<tr>
                    <td class="mono">${r.target}</td>
                    <td class="mono">${r.task ? html`<a href=${hrefOf({ view: "task", cluster, task: r.task })}>${r.task}</a>` : "–"}</td>
                    <td>${status(r.state)}</td>
                    <td class="reason">${r.reason}</td>
                    <td>${r.description}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`,
          )}`,
  );

function chart(label: string, s: Series, from: number, to: number): TemplateResult {
  const summary = summaryOf(s);
  const box = { width: 360, height: 64, top: topOf(s) };
  const points = linePoints(s, from, to, box);
  // The latest datapoint as a dot too: a line needs two.
  const [x, y] = (points.split(" ").at(-1) ?? "").split(",");
  return html`<figure class="chart" data-metric=${label}>
    <figcaption>${label} <strong class="latest">${summary ? percent(summary.latest) : "no data yet"}</strong>
      ${summary ? html`<span class="muted">lowest ${percent(summary.min)}, highest ${percent(summary.max)}; scale 0 to ${box.top} %</span>` : nothing}</figcaption>
    <svg viewBox="0 0 ${box.width} ${box.height}" width=${box.width} height=${box.height} role="img" aria-label="${label} over the last hour, 0 to ${box.top} %">
      <line class="axis" x1="0" y1=${box.height} x2=${box.width} y2=${box.height}></line>
      <polyline points=${points}></polyline>
      ${x && y ? svg`<circle cx=${x} cy=${y} r="2.5"></circle>` : nothing}
    </svg>
  </figure>`;
}

/** CPU and memory utilization of the service (AWS/ECS, one-minute averages) over the last hour. */
export const utilizationView = (h: ServiceHealth): TemplateResult =>
  html`<h2>Utilization <span class="muted">last hour, one-minute averages</span></h2>
    ${shown(h.utilization, "get metric data", (u) => html`<div class="charts">${chart("CPU", u.cpu, u.from, u.to)}${chart("Memory", u.memory, u.from, u.to)}</div>`)}`;

/** The scalable target's bounds, its policies and scheduled actions, and its latest activities. */
export const scalingView = (h: ServiceHealth, now: number): TemplateResult =>
  html`<h2>Auto scaling</h2>
    ${shown(h.scaling, "describe scaling", (s) => {
      if (!s) return html`<p class="empty">Application Auto Scaling does not scale this service.</p>`;
      const facts = targetFacts(s.target);
      return html`<dl class="facts wide scaling">
          <dt>Min to max</dt><dd>${facts.capacity}</dd>
          <dt>Suspended</dt><dd>${facts.suspended}</dd>
          ${s.rules.map((r) => html`<dt>${r.kind}</dt><dd><span class="mono">${r.name}</span> <span class="muted">${r.detail}</span></dd>`)}
        </dl>
        ${s.activities.length === 0
          ? html`<p class="empty">No scaling activities yet.</p>`
          : html`<table class="activities">
              <thead><tr><th>Started</th><th>Status</th><th>Description</th><th>Cause</th></tr></thead>
              <tbody>
                ${s.activities.map(
                  (a) => html`<tr>
                    <td>${when(a.startedAt, now)}</td>
                    <td>${status(a.status)}${a.message ? html`<div class=${a.status === "Successful" ? "muted" : "reason"}>${a.message}</div>` : nothing}</td>
                    <td>${a.description}</td>
                    <td>${a.cause}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}`;
    })}`;
