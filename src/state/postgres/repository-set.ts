import type { WriteTx } from "../store.js";
import { PostgresAccountSettings } from "./account-settings.js";
import { PostgresAgentCredentials } from "./agent-credentials.js";
import { PostgresAlarms } from "./alarms.js";
import { PostgresAutoScaling } from "./autoscaling.js";
import { PostgresCapacityProviders } from "./capacity-providers.js";
import type { ChangeRecorder } from "./change-table.js";
import { PostgresEcsEvents } from "./ecs-events.js";
import { PostgresEventRules } from "./event-rules.js";
import { PostgresIam } from "./iam-repositories.js";
import { PostgresLoadBalancing } from "./load-balancing.js";
import { PostgresLogs } from "./logs.js";
import { PostgresMetrics } from "./metrics.js";
import { PostgresParameters } from "./parameters.js";
import { PostgresClusters, PostgresTags, PostgresTaskDefinitions } from "./repositories.js";
import { PostgresSchedules } from "./schedules.js";
import { PostgresSecurityGroups } from "./security-groups.js";
import { PostgresSecrets } from "./secrets.js";
import { PostgresServices } from "./service-repositories.js";
import type { Sql } from "./sql.js";
import { PostgresContainerInstances, PostgresTasks } from "./task-repositories.js";

/** Every repository of a transaction, over the read pool or the writer connection (as sqlite-store.ts builds SQLite's). */
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
    secrets: new PostgresSecrets(db),
    capacityProviders: new PostgresCapacityProviders(db),
    logs: new PostgresLogs(db),
    parameters: new PostgresParameters(db),
    ecsEvents: new PostgresEcsEvents(db),
    schedules: new PostgresSchedules(db),
    metrics: new PostgresMetrics(db),
    alarms: new PostgresAlarms(db),
    autoScaling: new PostgresAutoScaling(db),
    securityGroups: new PostgresSecurityGroups(db),
  };
}
