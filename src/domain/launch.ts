import type { CapacityProviderStrategyItem, NetworkConfiguration, PlacementConstraint as EcsConstraint, PlacementStrategy as EcsStrategy, Tag, TaskOverride } from "@aws-sdk/client-ecs";
import { clientException, invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";
import { replicaServiceDefaultStrategy, type PlacementConstraint, type PlacementStrategy } from "../scheduler/types.js";
import type { ClusterRecord } from "../domain/cluster.js";
import type { ReadTx, TaskDefinitionRecord } from "../state/store.js";
import { checkLaunchType } from "./launch-type.js";
import { checkFargateLaunch, fargatePlacement, fargatePlatform, fargatePlatformVersion } from "./fargate/fargate-launch.js";
import { activeCluster, findTaskDefinition } from "./lookups.js";
import { constraintsFrom, strategiesFrom } from "./placement-shapes.js";
import { checkPlatformVersion } from "./platform-version.js";
import { serviceGroup, type ServiceRecord } from "./service.js";
import { pinnedDigests, revisionOf } from "./service-deployment.js";
import { isFargateCapacity, launchCapacity, serviceCapacity, setCapacity, type LaunchCapacity } from "./capacity/launch-capacity.js";
import { validateTags } from "./tags.js";
import { awsvpcSettings, type AwsvpcSettings } from "./awsvpc/network-configuration.js";
import { withSecurityGroups } from "./awsvpc/security-groups.js";
import { normalizeOverrides } from "./task-overrides.js";

/**
 * What to start, with ECS's rules applied once for every caller: RunTask and StartTask (and the
 * scheduled tasks to come) through `standaloneLaunch`, services through `serviceLaunch`. The
 * planner (src/planner) places and creates the tasks of a Launch; it decides nothing of this.
 */
export interface Launch {
  readonly cluster: ClusterRecord;
  readonly taskDefinition: TaskDefinitionRecord;
  readonly overrides: TaskOverride;
  readonly group: string;
  readonly startedBy?: string | undefined;
  /** Set for a service's tasks. */
  readonly serviceName?: string | undefined;
  readonly tags: readonly Tag[];
  readonly constraints: readonly PlacementConstraint[];
  readonly strategies: readonly PlacementStrategy[];
  /** A launch type, or the capacity provider strategy that splits the tasks among providers (planner/capacity-launch.ts). */
  readonly capacity: LaunchCapacity;
  /** Set on the launch of one provider's share of a strategy: the tasks' `capacityProviderName`. */
  readonly capacityProviderName?: string | undefined;
  /** An awsvpc task's interface settings (domain/awsvpc/). */
  readonly awsvpc?: AwsvpcSettings | undefined;
  /** Set for Fargate's capacity: the tasks go to the managed pool (domain/fargate/) on this platform version. */
  readonly fargate?: { readonly platformVersion: string } | undefined;
  /** A service task's images as its revision pinned them, by container name (controller/services/image-pins.ts). */
  readonly imageDigests?: Readonly<Record<string, string>> | undefined;
}

/** RunTask's and StartTask's parameters that shape the tasks (the rest is the caller's: count, instances, client token). */
export interface StandaloneRequest {
  readonly cluster?: string | undefined;
  readonly taskDefinition?: string | undefined;
  readonly overrides?: TaskOverride | undefined;
  readonly group?: string | undefined;
  readonly startedBy?: string | undefined;
  readonly tags?: Tag[] | undefined;
  readonly placementConstraints?: EcsConstraint[] | undefined;
  readonly placementStrategy?: EcsStrategy[] | undefined;
  readonly propagateTags?: string | undefined;
  readonly enableECSManagedTags?: boolean | undefined;
  readonly referenceId?: string | undefined;
  readonly launchType?: string | undefined;
  readonly platformVersion?: string | undefined;
  readonly capacityProviderStrategy?: CapacityProviderStrategyItem[] | undefined;
  readonly networkConfiguration?: NetworkConfiguration | undefined;
  readonly volumeConfigurations?: readonly unknown[] | undefined;
}

/** A service's or a run's `volumeConfigurations` (Amazon EBS volumes): refused, saying what to use. */
export function refuseEbsVolumes(volumeConfigurations: readonly unknown[] | undefined): void {
  if ((volumeConfigurations ?? []).length > 0) {
    throw invalidParameter("volumeConfigurations configure Amazon EBS volumes, which Berth does not have: use a host or Docker volume (dockerVolumeConfiguration) in the task definition instead.");
  }
}

/** ECS documents no bound for referenceId; EventBridge, which passes it to RunTask, caps its own at 1024. */
const maxReferenceId = 1024;

/** RunTask's `count`: 1 to 10 tasks per call. */
export function runTaskCount(count: number | undefined): number {
  const n = count ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 10) throw invalidParameter(`count must be from 1 to 10; got ${n}.`);
  return n;
}

/** A standalone task's launch, or the error ECS gives for the request. */
export async function standaloneLaunch(tx: ReadTx, input: StandaloneRequest): Promise<Launch> {
  checkLaunchType(input.launchType);
  refuseEbsVolumes(input.volumeConfigurations);
  checkPlatformVersion(input.platformVersion);
  if (input.referenceId !== undefined && input.referenceId.length > maxReferenceId) {
    throw invalidParameter(`referenceId can be at most ${maxReferenceId} characters; got ${input.referenceId.length}.`);
  }
  const cluster = await activeCluster(tx, input.cluster);
  const capacity = launchCapacity(cluster, input);
  const taskDefinition = await findTaskDefinition(tx, input.taskDefinition ?? "");
  if (!taskDefinition) throw clientException(`Unable to find task definition '${excerpt(input.taskDefinition, 255)}'.`);
  if (taskDefinition.status !== "ACTIVE") {
    throw clientException(`TaskDefinition ${taskDefinition.family}:${taskDefinition.revision} is ${taskDefinition.status}: register a new revision or run an ACTIVE one.`);
  }
  const fargate = isFargateCapacity(capacity) ? { platformVersion: fargatePlatform(input.platformVersion) } : undefined;
  if (fargate) checkFargateLaunch(taskDefinition, input);
  const asked = awsvpcSettings(taskDefinition.body.networkMode ?? "bridge", input.networkConfiguration);
  const awsvpc = asked && (await withSecurityGroups(tx, asked));
  const names = (taskDefinition.body.containerDefinitions ?? []).map((c) => c.name ?? "");
  const overrides = normalizeOverrides(input.overrides, names);
  if (input.startedBy !== undefined && !/^[A-Za-z0-9_/-]{1,128}$/.test(input.startedBy)) {
    throw invalidParameter("startedBy may hold up to 128 letters, numbers, hyphens, underscores and slashes.");
  }
  const group = input.group ?? `family:${taskDefinition.family}`;
  if (group.length > 255) throw invalidParameter("group must be at most 255 characters.");
  const requested = validateTags(input.tags);
  if (input.propagateTags !== undefined && input.propagateTags !== "TASK_DEFINITION" && input.propagateTags !== "NONE") {
    throw invalidParameter(`propagateTags must be TASK_DEFINITION or NONE for a task that no service starts; got '${excerpt(input.propagateTags)}'.`);
  }
  // Propagated tags first, so that the request's own tags win on a shared key; ECS's managed tag last.
  const fromDefinition = input.propagateTags === "TASK_DEFINITION" ? await tx.tags.list(taskDefinition.body.taskDefinitionArn ?? "") : [];
  const managed = input.enableECSManagedTags ? [{ key: "aws:ecs:clusterName", value: cluster.name }] : [];
  const tags = [...new Map([...fromDefinition, ...requested, ...managed].map((t) => [t.key, t])).values()];
  return {
    cluster,
    taskDefinition,
    overrides,
    group,
    startedBy: input.startedBy,
    tags,
    constraints: fargate ? [] : constraintsFrom(taskDefinition.body.placementConstraints ?? [], input.placementConstraints ?? []),
    strategies: fargate ? fargatePlacement : strategiesFrom(input.placementStrategy ?? []),
    capacity,
    awsvpc,
    fargate,
  };
}

/** The launch of a service's tasks of one deployment (its constraints and strategies were checked by CreateService/UpdateService). */
export async function serviceLaunch(tx: ReadTx, s: ServiceRecord, cluster: ClusterRecord, taskDefinition: TaskDefinitionRecord, deploymentId: string): Promise<Launch> {
  const strategies = strategiesFrom(s.placementStrategy);
  // A task set's tasks run where it says, with its own interface settings (an EXTERNAL service may have none).
  const set = s.taskSets?.find((t) => t.id === deploymentId);
  const capacity = set ? setCapacity(s, set) : serviceCapacity(s);
  const fargate = isFargateCapacity(capacity);
  const network = set?.networkConfiguration ?? s.networkConfiguration;
  return {
    cluster,
    taskDefinition,
    overrides: {},
    group: serviceGroup(s.name),
    startedBy: deploymentId,
    serviceName: s.name,
    tags: await serviceTaskTags(tx, s, taskDefinition.body.taskDefinitionArn ?? ""),
    constraints: fargate ? [] : constraintsFrom(taskDefinition.body.placementConstraints ?? [], s.placementConstraints),
    strategies: fargate ? fargatePlacement : strategies.length === 0 ? replicaServiceDefaultStrategy : strategies,
    capacity,
    fargate: fargate ? { platformVersion: fargatePlatformVersion } : undefined,
    // Checked when the service (or the task set) was created or updated; a task definition that no longer matches fails its tasks' start, with a reason.
    awsvpc: taskDefinition.body.networkMode === "awsvpc" && network !== undefined ? awsvpcSettings("awsvpc", network) : undefined,
    imageDigests: pinnedDigests(revisionOf(s, deploymentId)),
  };
}

/** propagateTags and enableECSManagedTags, as ECS tags a service's tasks. */
async function serviceTaskTags(tx: ReadTx, s: ServiceRecord, taskDefinitionArn: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  if (s.enableECSManagedTags) tags.push({ key: "aws:ecs:serviceName", value: s.name }, { key: "aws:ecs:clusterName", value: s.cluster });
  if (s.propagateTags === "SERVICE") tags.push(...s.tags);
  if (s.propagateTags === "TASK_DEFINITION") tags.push(...(await tx.tags.list(taskDefinitionArn)));
  return tags;
}
