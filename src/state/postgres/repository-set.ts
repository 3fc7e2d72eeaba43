import type { WriteTx } from "../store.js";
import { PostgresAlarms } from "./alarms.js";
import { PostgresAutoScaling } from "./autoscaling.js";
import type { ChangeRecorder } from "./change-table.js";
import { PostgresLogs } from "./logs.js";
import { PostgresMetrics } from "./metrics.js";
import { PostgresClusters, PostgresTags, PostgresTaskDefinitions } from "./repositories.js";
import type { Sql } from "./sql.js";

/** PORTING IN PROGRESS: a repository not yet written for PostgreSQL. */
const notPorted = <T extends object>(name: string): T =>
  new Proxy({} as T, {
    get: (_t, member) => () => Promise.reject(new Error(`PostgreSQL ${name}.${String(member)}: not ported yet`)),
  });

/** Every repository of a transaction, over the read pool or the writer connection. */
export function repositories(db: Sql, log: ChangeRecorder): Omit<WriteTx, "uncommitted" | "revision"> {
  return {
    clusters: new PostgresClusters(db, log),
    taskDefinitions: new PostgresTaskDefinitions(db),
    tags: new PostgresTags(db),
    containerInstances: notPorted("containerInstances"),
    tasks: notPorted("tasks"),
    services: notPorted("services"),
    agentCredentials: notPorted("agentCredentials"),
    accountSettings: notPorted("accountSettings"),
    iam: notPorted("iam"),
    loadBalancing: notPorted("loadBalancing"),
    eventRules: notPorted("eventRules"),
    capacityProviders: notPorted("capacityProviders"),
    logs: new PostgresLogs(db),
    ecsEvents: notPorted("ecsEvents"),
    schedules: notPorted("schedules"),
    metrics: new PostgresMetrics(db),
    alarms: new PostgresAlarms(db),
    autoScaling: new PostgresAutoScaling(db),
    securityGroups: notPorted("securityGroups"),
  };
}
