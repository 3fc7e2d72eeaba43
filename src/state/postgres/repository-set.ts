import type { WriteTx } from "../store.js";
import { PostgresCapacityProviders } from "./capacity-providers.js";
import type { ChangeRecorder } from "./change-table.js";
import { PostgresAccountSettings } from "./account-settings.js";
import { PostgresAgentCredentials } from "./agent-credentials.js";
import { PostgresClusters, PostgresTags, PostgresTaskDefinitions } from "./repositories.js";
import { PostgresEcsEvents } from "./ecs-events.js";
import { PostgresEventRules } from "./event-rules.js";
import { PostgresIam } from "./iam-repositories.js";
import { PostgresLoadBalancing } from "./load-balancing.js";
import { PostgresSchedules } from "./schedules.js";
import { PostgresSecurityGroups } from "./security-groups.js";
import { PostgresServices } from "./service-repositories.js";
import type { Sql } from "./sql.js";
import { PostgresContainerInstances, PostgresTasks } from "./task-repositories.js";

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
    containerInstances: new PostgresContainerInstances(db, log),
    tasks: new PostgresTasks(db, log),
    services: new PostgresServices(db, log),
    agentCredentials: new PostgresAgentCredentials(db),
    accountSettings: new PostgresAccountSettings(db),
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
