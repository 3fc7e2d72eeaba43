import type { WriteTx } from "../store.js";
import { PostgresCapacityProviders } from "./capacity-providers.js";
import type { ChangeRecorder } from "./change-table.js";
import { PostgresEcsEvents } from "./ecs-events.js";
import { PostgresEventRules } from "./event-rules.js";
import { PostgresIam } from "./iam-repositories.js";
import { PostgresLoadBalancing } from "./load-balancing.js";
import { PostgresClusters, PostgresTags, PostgresTaskDefinitions } from "./repositories.js";
import { PostgresSchedules } from "./schedules.js";
import { PostgresSecurityGroups } from "./security-groups.js";
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
    iam: new PostgresIam(db),
    loadBalancing: new PostgresLoadBalancing(db),
    eventRules: new PostgresEventRules(db),
    capacityProviders: new PostgresCapacityProviders(db),
    logs: notPorted("logs"),
    ecsEvents: new PostgresEcsEvents(db),
    schedules: new PostgresSchedules(db),
    metrics: notPorted("metrics"),
    alarms: notPorted("alarms"),
    autoScaling: notPorted("autoScaling"),
    securityGroups: new PostgresSecurityGroups(db),
  };
}
