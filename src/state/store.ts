import type { Failure, Tag, TaskDefinition } from "@aws-sdk/client-ecs";
import type { ClusterRecord, ClusterStatus } from "../domain/cluster.js";
import type { ContainerInstanceRecord, ContainerInstanceStatus, Reservation } from "../domain/container-instance.js";
import type { ServiceEventRecord, ServiceRecord, ServiceStatus } from "../domain/service.js";
import type { TaskRecord } from "../domain/task.js";
import type { CapacityProviderReader, CapacityProviderRepository } from "./capacity-provider-records.js";
import type { ChangeFeed, LoggedChange } from "./changes.js";
import type { EcsEventReader, EcsEventRepository } from "./ecs-event-records.js";
import type { EventRuleReader, EventRuleRepository } from "./event-rule-records.js";
import type { ScheduleReader, ScheduleRepository } from "./schedule-records.js";
import type { MetricReader, MetricRepository } from "./metric-records.js";
import type { AlarmReader, AlarmRepository } from "./alarm-records.js";
import type { AutoScalingReader, AutoScalingRepository } from "./autoscaling-records.js";
import type { IamReader, IamRepository } from "./iam-records.js";
import type { LoadBalancingReader, LoadBalancingRepository } from "./load-balancing-store.js";
import type { LogsReader, LogsRepository } from "./log-records.js";
import type { ParameterReader, ParameterRepository } from "./parameter-records.js";
import type { SecurityGroupReader, SecurityGroupRepository } from "./security-group-records.js";
import type { SecretReader, SecretRepository } from "./secret-records.js";

/**
 * The durable state of a Berth control plane. Two implementations (SQLite, PostgreSQL) pass one
 * contract suite (store-contract.ts). Every change is a `write` transaction, acknowledged only once
 * it is durable; several writes may share one commit (group commit), each isolated by a savepoint.
 *
 * Clusters, container instances, tasks and services carry a `version`, and their `put` is a
 * conditional save: a record at version n + 1 is saved only while version n is stored (version 1
 * only as a new record), else `put` throws VersionConflictError (version-conflict.ts) and the write
 * rolls back. A write that reads its record inside itself and saves it with version + 1 cannot
 * conflict on one SQLite store (writes run one at a time); one that read outside, or a replica
 * sharing PostgreSQL, can: it re-reads and tries again. Task definitions are immutable: not versioned.
 */
export interface Store {
  /** Reads from the last committed state. */
  read<T>(fn: (tx: ReadTx) => Promise<T>): Promise<T>;
  /** Runs `fn` in a transaction; resolves after the commit is durable; rolls back if `fn` throws. */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
  /** Every committed save of a cluster, instance, task or service, in order (changes.ts). */
  readonly changes: ChangeFeed;
  close(): Promise<void>;
}

export interface ReadTx {
  readonly clusters: ClusterReader;
  readonly taskDefinitions: TaskDefinitionReader;
  readonly tags: TagReader;
  readonly containerInstances: ContainerInstanceReader;
  readonly tasks: TaskReader;
  readonly services: ServiceReader;
  readonly agentCredentials: AgentCredentialReader;
  readonly accountSettings: AccountSettingReader;
  readonly iam: IamReader;
  readonly loadBalancing: LoadBalancingReader;
  readonly eventRules: EventRuleReader;
  readonly secrets: SecretReader;
  readonly capacityProviders: CapacityProviderReader;
  readonly logs: LogsReader;
  /** SSM Parameter Store. */
  readonly parameters: ParameterReader;
  readonly ecsEvents: EcsEventReader;
  readonly schedules: ScheduleReader;
  readonly metrics: MetricReader;
  readonly alarms: AlarmReader;
  readonly autoScaling: AutoScalingReader;

  readonly securityGroups: SecurityGroupReader;
}

export interface WriteTx {
  /**
   * The changes this transaction can see that the change log has not yet delivered: its own saves
   * so far, and those of writes committed with it in the same group, oldest first. While it returns
   * the same array, the array only grows (a caller may read on from where it stopped).
   */
  uncommitted(): readonly LoggedChange[];
  /** The newest revision this transaction sees: its own last change, or the newest committed one (by any writer). */
  revision(): number;
  readonly clusters: ClusterRepository;
  readonly taskDefinitions: TaskDefinitionRepository;
  readonly tags: TagRepository;
  readonly containerInstances: ContainerInstanceRepository;
  readonly tasks: TaskRepository;
  readonly services: ServiceRepository;
  readonly agentCredentials: AgentCredentialRepository;
  readonly accountSettings: AccountSettingRepository;
  readonly iam: IamRepository;
  readonly loadBalancing: LoadBalancingRepository;
  readonly eventRules: EventRuleRepository;
  readonly secrets: SecretRepository;
  readonly capacityProviders: CapacityProviderRepository;
  readonly logs: LogsRepository;
  /** SSM Parameter Store. */
  readonly parameters: ParameterRepository;
  readonly ecsEvents: EcsEventRepository;
  readonly schedules: ScheduleRepository;
  readonly metrics: MetricRepository;
  readonly alarms: AlarmRepository;
  readonly autoScaling: AutoScalingRepository;

  readonly securityGroups: SecurityGroupRepository;
}

/** A page of a listing ordered by key; `after` is the last key of the previous page. */
export interface PageRequest {
  readonly after?: string | undefined;
  readonly limit: number;
}
export interface Page<T> {
  readonly items: readonly T[];
  /** The key to pass as `after` for the next page, when there may be one. */
  readonly nextAfter?: string | undefined;
}

export interface ClusterReader {
  get(name: string): Promise<ClusterRecord | undefined>;
  /** Clusters ordered by name, all of them or those in one status. */
  list(page: PageRequest & { readonly status?: ClusterStatus }): Promise<Page<ClusterRecord>>;
}
export interface ClusterRepository extends ClusterReader {
  /** Saves over the version read (`version` one higher); throws VersionConflictError if it changed since. */
  put(cluster: ClusterRecord): Promise<void>;
}

export type TaskDefinitionStatus = "ACTIVE" | "INACTIVE" | "DELETE_IN_PROGRESS";

/** A registered revision: the ECS document as DescribeTaskDefinition returns it, dates as epoch ms. */
export interface TaskDefinitionRecord {
  readonly family: string;
  readonly revision: number;
  readonly status: TaskDefinitionStatus;
  /** The ECS shape, without the date members (carried as numbers below). */
  readonly body: Omit<TaskDefinition, "registeredAt" | "deregisteredAt" | "deleteRequestedAt" | "status">;
  readonly registeredAtMs: number;
  readonly deregisteredAtMs?: number | undefined;
  readonly deleteRequestedAtMs?: number | undefined;
}

export interface TaskDefinitionQuery extends PageRequest {
  readonly familyPrefix?: string | undefined;
  /** Revisions of this family only (ListTaskDefinitions' `familyPrefix` is a whole family name). */
  readonly family?: string | undefined;
  readonly status?: TaskDefinitionStatus | undefined;
  readonly descending: boolean;
}

export interface FamilyQuery extends PageRequest {
  readonly familyPrefix?: string | undefined;
  /** ACTIVE: families with an ACTIVE revision; INACTIVE: families without one; absent: all families. */
  readonly status?: "ACTIVE" | "INACTIVE" | undefined;
}

export interface TaskDefinitionReader {
  get(family: string, revision: number): Promise<TaskDefinitionRecord | undefined>;
  /** The newest ACTIVE revision of a family. */
  latestActive(family: string): Promise<TaskDefinitionRecord | undefined>;
  /** Ordered by family, then revision (ascending or descending); keys are `family:revision`. */
  list(query: TaskDefinitionQuery): Promise<Page<TaskDefinitionRecord>>;
  families(query: FamilyQuery): Promise<Page<string>>;
}
export interface TaskDefinitionRepository extends TaskDefinitionReader {
  /** The next revision of a family: numbers are never reused, even after deletion. */
  allocateRevision(family: string): Promise<number>;
  put(record: TaskDefinitionRecord): Promise<void>;
}

export interface TagReader {
  list(resourceArn: string): Promise<Tag[]>;
}
export interface TagRepository extends TagReader {
  /** Adds or overwrites the given keys. */
  put(resourceArn: string, tags: readonly Tag[]): Promise<void>;
  remove(resourceArn: string, keys: readonly string[]): Promise<void>;
}

export interface ContainerInstanceReader {
  get(arn: string): Promise<ContainerInstanceRecord | undefined>;
  /** A cluster's instances ordered by ARN: all of them, those in one status, or the REGISTERED ones (ACTIVE or DRAINING). */
  list(cluster: string, page: PageRequest & { readonly status?: ContainerInstanceStatus | "REGISTERED" }): Promise<Page<ContainerInstanceRecord>>;
  /** How many of a cluster's instances are registered (ACTIVE or DRAINING). */
  countRegistered(cluster: string): Promise<number>;
}
export interface ContainerInstanceRepository extends ContainerInstanceReader {
  /** Saves over the version read (`version` one higher); throws VersionConflictError if it changed since. */
  put(record: ContainerInstanceRecord): Promise<void>;
}

/** A RunTask request with a client token, and its outcome. */
export interface RunTaskRecord {
  readonly cluster: string;
  readonly token: string;
  /** A digest of the request's other parameters: the same token with another request is a conflict. */
  readonly requestHash: string;
  readonly taskArns: readonly string[];
  readonly failures: readonly Failure[];
  readonly createdAtMs: number;
}

export interface TaskQuery extends PageRequest {
  readonly cluster: string;
  readonly containerInstanceArn?: string | undefined;
  readonly family?: string | undefined;
  readonly startedBy?: string | undefined;
  readonly serviceName?: string | undefined;
  readonly desiredStatus?: "RUNNING" | "STOPPED" | undefined;
}

export interface TaskReader {
  get(arn: string): Promise<TaskRecord | undefined>;
  /** Tasks ordered by ARN. */
  list(query: TaskQuery): Promise<Page<TaskRecord>>;
  /**
   * A service's tasks as its reconciler sees them: every task not yet STOPPED, and STOPPED ones
   * whose stop the reconciler has not yet observed (`serviceObserved`). Ordered by ARN.
   */
  ofService(cluster: string, serviceName: string): Promise<TaskRecord[]>;
  /** Tasks on an instance that still hold resources there (not yet known STOPPED). */
  holdingResources(containerInstanceArn: string): Promise<TaskRecord[]>;
  /** What those tasks hold (`holdingResources`' reservations alone: the planner's re-check reads only these). */
  reservedOn(containerInstanceArn: string): Promise<Reservation[]>;
  /** What an earlier RunTask with this client token did. */
  findRun(cluster: string, token: string): Promise<RunTaskRecord | undefined>;
  /** Counts of a cluster's tasks not STOPPED by `taskCountKey` (lastStatus, apart for FARGATE tasks), for the cluster's statistics. */
  countByStatus(cluster: string): Promise<ReadonlyMap<string, number>>;
  /**
   * The ARN and count key (`taskCountKey`) of each of a cluster's tasks not STOPPED, read as one
   * snapshot: what an index that then follows the change log starts from (api/ecs/cluster-counts.ts).
   */
  openStatuses(cluster: string): Promise<readonly { readonly arn: string; readonly countKey: string }[]>;
}
export interface TaskRepository extends TaskReader {
  /** Saves over the version read (`version` one higher); throws VersionConflictError if it changed since. */
  put(record: TaskRecord): Promise<void>;
  /** Forgets tasks stopped before the given time, and RunTask client tokens older than it; returns how many tasks. */
  purgeStoppedBefore(ms: number): Promise<number>;
  /** Records what a RunTask with a client token did, so that a retry of it does the same. */
  rememberRun(run: RunTaskRecord): Promise<void>;
}

export interface ServiceQuery extends PageRequest {
  readonly status?: ServiceStatus | undefined;
  readonly launchType?: string | undefined;
  readonly schedulingStrategy?: string | undefined;
}

export interface ServiceReader {
  get(cluster: string, name: string): Promise<ServiceRecord | undefined>;
  /**
   * The name and count key (`serviceCountKey`: status and launch type) of each of a cluster's
   * services not INACTIVE, read as one snapshot (api/ecs/cluster-counts.ts).
   */
  openStatuses(cluster: string): Promise<readonly { readonly name: string; readonly countKey: string }[]>;
  /** A cluster's services ordered by name. */
  list(cluster: string, query: ServiceQuery): Promise<Page<ServiceRecord>>;
  /** Newest first, at most `limit`. */
  events(serviceArn: string, limit: number): Promise<ServiceEventRecord[]>;
}
export interface ServiceRepository extends ServiceReader {
  /** Saves over the version read (`version` one higher); throws VersionConflictError if it changed since. */
  put(record: ServiceRecord): Promise<void>;
  /** Appends events (given oldest first) and forgets all but the newest `keep` of the service. */
  addEvents(serviceArn: string, events: readonly ServiceEventRecord[], keep: number): Promise<void>;
}

/**
 * An agent's own credential, issued to the agent of one container instance when it registers (see
 * src/auth/README.md). The secret is kept because SigV4 verification needs it, as AWS keeps its own.
 */
export interface AgentCredentialRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly containerInstanceArn: string;
  readonly cluster: string;
  readonly createdAtMs: number;
}

export interface AgentCredentialReader {
  get(accessKeyId: string): Promise<AgentCredentialRecord | undefined>;
}
export interface AgentCredentialRepository extends AgentCredentialReader {
  put(record: AgentCredentialRecord): Promise<void>;
  /** Revokes every credential of a container instance; returns how many there were. */
  revokeInstance(containerInstanceArn: string): Promise<number>;
}

/**
 * An ECS account setting a principal set (PutAccountSetting), or the account's default, which is the
 * root principal's (PutAccountSettingDefault). Not versioned: a put replaces the value.
 */
export interface AccountSettingRecord {
  readonly principalArn: string;
  readonly name: string;
  readonly value: string;
}

export interface AccountSettingReader {
  /** Every setting of one principal, ordered by name. */
  ofPrincipal(principalArn: string): Promise<AccountSettingRecord[]>;
}
export interface AccountSettingRepository extends AccountSettingReader {
  put(record: AccountSettingRecord): Promise<void>;
  /** Forgets a principal's setting; returns what it was. */
  delete(principalArn: string, name: string): Promise<AccountSettingRecord | undefined>;
}
