import { checkKnownLaunchType, checkLaunchType } from "../../domain/launch-type.js";
import { checkPlatformVersion } from "../../domain/platform-version.js";
import type { CapacityProviderStrategyItem, CreateServiceRequest, DeleteServiceRequest, DescribeServicesRequest, Failure, ListServicesRequest, Service, UpdateServiceRequest } from "@aws-sdk/client-ecs";
import { CreateServiceRequest$, DeleteServiceRequest$, DescribeServicesRequest$, ListServicesRequest$, UpdateServiceRequest$ } from "../../aws-sdk/ecs.js";
import { ecsResource, serviceArn } from "../../domain/arn.js";
import {
  defaultDeploymentConfig,
  newDeploymentId,
  withNewDeployment,
  type SchedulingStrategy,
  type ServiceRecord,
} from "../../domain/service.js";
import {
  checkClientToken,
  checkDesiredCount,
  checkGracePeriod,
} from "../../domain/service-limits.js";
import { validateTags } from "../../domain/tags.js";
import { AwsError, clientException, invalidParameter } from "../../errors/catalog.js";
import type { ReadTx, TaskDefinitionRecord } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import { activeCluster } from "../../domain/lookups.js";
import type { EcsDeps } from "./deps.js";
import { constraintsFrom, strategiesFrom } from "../../domain/placement-shapes.js";
import { toService } from "./service-view.js";
import { findTaskDefinition } from "../../domain/lookups.js";
import { isFargateCapacity, launchCapacity, serviceCapacity, type LaunchCapacity } from "../../domain/capacity/launch-capacity.js";
import { checkFargateLaunch, checkLaunchCompatibility, fargatePlatform } from "../../domain/fargate/fargate-launch.js";
import { excerpt } from "../../observability/excerpt.js";
import { checkServiceLoadBalancers } from "./service-load-balancers.js";
import { serviceNetwork } from "./service-network.js";
import { productionTargetGroups, shiftsTraffic } from "../../domain/blue-green.js";
import { azRebalancing } from "../../domain/az-rebalancing.js";
import { withDesiredCount } from "../../domain/desired-count.js";
import { deploymentConfig } from "../../domain/deployment-configuration.js";
import { refuseEbsVolumes } from "../../domain/launch.js";

const eventsShown = 100;

/** A `service` parameter: a name or an ARN. */
const serviceName = (ref: string): string => {
  const r = ecsResource(ref);
  return r?.type === "service" ? (r.path.split("/").pop() ?? "") : ref;
};

export function serviceOperations({ store, random }: EcsDeps): Record<string, Operation> {
  const view = (tx: ReadTx, s: ServiceRecord, includeTags = false): Promise<Service> =>
    tx.services.events(s.arn, eventsShown).then((events) => toService(s, events, includeTags));

  /** Writes the service (the change log wakes the controller), and returns its ECS shape. */
  const save = async (fn: (tx: ReadTx) => Promise<ServiceRecord>, write: (tx: Parameters<Parameters<typeof store.write>[0]>[0], s: ServiceRecord) => Promise<void>) => {
    const record = await store.write(async (tx) => {
      const s = await fn(tx);
      await write(tx, s);
      return s;
    });
    return { service: await store.read((tx) => view(tx, record)) };
  };

  return {
    CreateService: operation<CreateServiceRequest>(CreateServiceRequest$, (input, ctx) =>
      save(
        async (tx) => {
          const cluster = await activeCluster(tx, input.cluster);
          const name = input.serviceName ?? "";
          if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) throw invalidParameter("serviceName may hold up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.");
          const existing = await tx.services.get(cluster.name, name);
          if (existing && existing.status !== "INACTIVE") throw invalidParameter("Creation of service was not idempotent.");
          const strategy: SchedulingStrategy = input.schedulingStrategy === "DAEMON" ? "DAEMON" : "REPLICA";
          checkClientToken(input.clientToken);
          checkDesiredCount(strategy, input.desiredCount);
          checkPlatformVersion(input.platformVersion);
          unsupported(input);
          const capacity = launchCapacity(cluster, input);
          const fargate = isFargateCapacity(capacity);
          if (fargate) fargatePlatform(input.platformVersion);
          if (strategy === "DAEMON" && (input.placementStrategy ?? []).length > 0) {
            throw invalidParameter("Placement strategies are not supported with the DAEMON scheduling strategy.");
          }
          if (strategy === "REPLICA" && input.desiredCount === undefined) throw invalidParameter("desiredCount is required for a REPLICA service.");
          const controller = deploymentController(input, strategy);
          // An EXTERNAL service may leave its task definition to its task sets.
          const td = controller === "EXTERNAL" && input.taskDefinition === undefined ? undefined : await activeTaskDefinition(tx, input.taskDefinition, fargate);
          constraintsFrom(td?.body.placementConstraints ?? [], input.placementConstraints ?? []);
          strategiesFrom(input.placementStrategy ?? []);
          if (fargate && td !== undefined) checkFargateLaunch(td, input);
          const deploymentConfiguration = deploymentConfig(defaultDeploymentConfig(strategy), input.deploymentConfiguration, { strategy, controller });
          const base: ServiceRecord = {
            arn: serviceArn(ctx.partition, cluster.name, name),
            name,
            cluster: cluster.name,
            clusterArn: cluster.arn,
            status: "ACTIVE",
            schedulingStrategy: strategy,
            desiredCount: input.desiredCount ?? 0,
            taskDefinitionArn: td?.body.taskDefinitionArn ?? "",
            launchType: capacity.kind === "launch-type" ? capacity.launchType : "EC2",
            capacityProviderStrategy: strategyItems(capacity),
            ...(await serviceNetwork(tx, td, input.networkConfiguration)),
            deploymentConfiguration,
            placementConstraints: input.placementConstraints ?? [],
            placementStrategy: input.placementStrategy ?? [],
            availabilityZoneRebalancing: azRebalancing(input.availabilityZoneRebalancing, undefined, { schedulingStrategy: strategy, deploymentController: controller, placementStrategy: input.placementStrategy ?? [] }, true),
            healthCheckGracePeriodSeconds: checkGracePeriod(input.healthCheckGracePeriodSeconds ?? 0),
            loadBalancers: td === undefined ? [] : await checkServiceLoadBalancers(tx, input.loadBalancers ?? [], td, shiftsTraffic(deploymentConfiguration)),
            propagateTags: propagate(input.propagateTags),
            enableECSManagedTags: input.enableECSManagedTags ?? false,
            tags: validateTags(input.tags),
            deployments: [],
            startFailures: 0,
            createdAtMs: ctx.nowMs,
            createdBy: `arn:aws:iam::${ctx.partition.accountId}:root`,
            roleArn: roleArnOf(input.role, ctx.partition.accountId),
            version: (existing?.version ?? 0) + 1,
          };
          // An EXTERNAL service has no deployments of its own: its tasks run through its task sets.
          if (controller === "EXTERNAL") return { ...base, deploymentController: "EXTERNAL", taskSets: [] };
          return withNewDeployment(base, { id: newDeploymentId(random), taskDefinitionArn: base.taskDefinitionArn, nowMs: ctx.nowMs });
        },
        async (tx, s) => {
          await tx.services.put(s);
        },
      ),
    ),

    UpdateService: operation<UpdateServiceRequest>(UpdateServiceRequest$, (input, ctx) =>
      save(
        async (tx) => {
          const current = await liveService(tx, input.cluster, input.service ?? "");
          if (current.status !== "ACTIVE") throw new AwsError("ServiceNotActiveException", "Service was not ACTIVE.");
          if (current.deploymentController === "EXTERNAL") checkExternalUpdate(input);
          checkDesiredCount(current.schedulingStrategy, input.desiredCount);
          checkPlatformVersion(input.platformVersion);
          unsupported(input);
          let next: ServiceRecord = { ...current, version: current.version + 1 };
          let redeploy = input.forceNewDeployment === true;
          if (input.capacityProviderStrategy !== undefined) {
            // A new strategy (the cluster's default when empty) applies to a new deployment's tasks, as in ECS.
            const capacity = launchCapacity(await activeCluster(tx, current.cluster), { capacityProviderStrategy: input.capacityProviderStrategy });
            next = { ...next, capacityProviderStrategy: strategyItems(capacity) };
            redeploy = true;
          }
          if (input.desiredCount !== undefined) next = withDesiredCount(next, input.desiredCount);
          if (input.deploymentConfiguration) {
            next = {
              ...next,
              deploymentConfiguration: deploymentConfig(current.deploymentConfiguration, input.deploymentConfiguration, {
                strategy: current.schedulingStrategy,
                controller: current.deploymentController ?? "ECS",
              }),
            };
          }
          if (input.healthCheckGracePeriodSeconds !== undefined) next = { ...next, healthCheckGracePeriodSeconds: checkGracePeriod(input.healthCheckGracePeriodSeconds) };
          if (input.propagateTags !== undefined) next = { ...next, propagateTags: propagate(input.propagateTags) };
          if (input.placementConstraints !== undefined || input.placementStrategy !== undefined) {
            if (current.schedulingStrategy === "DAEMON" && (input.placementStrategy ?? []).length > 0) {
              throw invalidParameter("Placement strategies are not supported with the DAEMON scheduling strategy.");
            }
            next = { ...next, placementConstraints: input.placementConstraints ?? next.placementConstraints, placementStrategy: input.placementStrategy ?? next.placementStrategy };
            redeploy = true;
          }
          const fargate = isFargateCapacity(serviceCapacity(next));
          let taskDefinitionArn = current.taskDefinitionArn;
          if (input.taskDefinition !== undefined) {
            const td = await activeTaskDefinition(tx, input.taskDefinition, fargate);
            taskDefinitionArn = td.body.taskDefinitionArn ?? "";
            redeploy ||= taskDefinitionArn !== current.taskDefinitionArn;
            constraintsFrom(td.body.placementConstraints ?? [], next.placementConstraints);
          } else if (input.placementConstraints !== undefined) {
            // The 10-constraint limit counts the task definition's constraints too (API reference).
            const td = await findTaskDefinition(tx, current.taskDefinitionArn);
            constraintsFrom(td?.body.placementConstraints ?? [], next.placementConstraints);
          }
          strategiesFrom(next.placementStrategy);
          next = { ...next, availabilityZoneRebalancing: azRebalancing(input.availabilityZoneRebalancing, current.availabilityZoneRebalancing, next, false) };
          const shifting = shiftsTraffic(next.deploymentConfiguration);
          const startsShifting = shifting && next.deploymentConfiguration.strategy !== current.deploymentConfiguration.strategy;
          if (input.loadBalancers !== undefined || startsShifting || (taskDefinitionArn !== current.taskDefinitionArn && (current.loadBalancers ?? []).length > 0)) {
            // ELBv2 (issue 11): new target groups, or a new revision that must still have their containers; ECS redeploys.
            const td = await activeTaskDefinition(tx, taskDefinitionArn, fargate);
            const loadBalancers = await checkServiceLoadBalancers(tx, input.loadBalancers ?? current.loadBalancers ?? [], td, shifting);
            redeploy ||= input.loadBalancers !== undefined;
            next = { ...next, loadBalancers };
          }
          if (input.networkConfiguration !== undefined || taskDefinitionArn !== current.taskDefinitionArn) {
            // Checked against the task definition the new deployment runs: awsvpc needs it, the other modes refuse it.
            const td = await activeTaskDefinition(tx, taskDefinitionArn, fargate);
            const { networkConfiguration } = await serviceNetwork(tx, td, input.networkConfiguration ?? current.networkConfiguration);
            redeploy ||= input.networkConfiguration !== undefined;
            next = { ...next, networkConfiguration };
          }
          if (!shifting) next = backToRolling(next);
          if (redeploy) next = withNewDeployment(next, { id: newDeploymentId(random), taskDefinitionArn, nowMs: ctx.nowMs });
          return next;
        },
        (tx, s) => tx.services.put(s),
      ),
    ),

    DeleteService: operation<DeleteServiceRequest>(DeleteServiceRequest$, (input) =>
      save(
        async (tx) => {
          const current = await liveService(tx, input.cluster, input.service ?? "");
          if (current.status !== "ACTIVE") throw new AwsError("ServiceNotActiveException", "Service was not ACTIVE.");
          if (current.schedulingStrategy === "REPLICA" && current.desiredCount > 0 && input.force !== true) {
            throw invalidParameter("The service cannot be stopped while it is scaled above 0.");
          }
          return { ...current, status: "DRAINING", desiredCount: 0, version: current.version + 1 };
        },
        (tx, s) => tx.services.put(s),
      ),
    ),

    DescribeServices: operation<DescribeServicesRequest>(DescribeServicesRequest$, (input) =>
      store.read(async (tx) => {
        const refs = input.services ?? [];
        if (refs.length === 0 || refs.length > 10) throw invalidParameter(`services must name 1 to 10 services; got ${refs.length}.`);
        const cluster = await activeCluster(tx, input.cluster);
        const services: Service[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const s = await tx.services.get(cluster.name, serviceName(ref));
          if (s) services.push(await view(tx, s, (input.include ?? []).includes("TAGS")));
          else failures.push({ arn: ref.startsWith("arn:") ? ref : serviceArn(partitionOf(cluster.arn), cluster.name, ref), reason: "MISSING" });
        }
        return { services, failures };
      }),
    ),

    ListServices: operation<ListServicesRequest>(ListServicesRequest$, (input) =>
      store.read(async (tx) => {
        const cluster = await activeCluster(tx, input.cluster);
        checkKnownLaunchType(input.launchType);
        const managed = input.resourceManagementType;
        if (managed !== undefined && managed !== "CUSTOMER" && managed !== "ECS") throw invalidParameter(`resourceManagementType must be CUSTOMER or ECS; got '${excerpt(managed)}'.`);
        // Every Berth service is the customer's: ECS manages only Express services' resources.
        if (managed === "ECS") return { serviceArns: [] };
        const page = await tx.services.list(cluster.name, {
          ...pageRequest(input),
          status: "ACTIVE",
          launchType: input.launchType,
          schedulingStrategy: input.schedulingStrategy,
        });
        return { serviceArns: page.items.map((s) => s.arn), nextToken: encodeToken(page.nextAfter) };
      }),
    ),
  };
}

async function liveService(tx: ReadTx, clusterRef: string | undefined, ref: string): Promise<ServiceRecord> {
  const cluster = await activeCluster(tx, clusterRef);
  const s = await tx.services.get(cluster.name, serviceName(ref));
  if (!s || s.status === "INACTIVE") throw new AwsError("ServiceNotFoundException", "Service not found.");
  return s;
}

/** The ACTIVE revision named, checked against the service's capacity: Fargate's rules for a Fargate service, else EC2's. */
async function activeTaskDefinition(tx: ReadTx, ref: string | undefined, fargate: boolean): Promise<TaskDefinitionRecord> {
  if (ref === undefined || ref === "") throw invalidParameter("taskDefinition is required.");
  const td = await findTaskDefinition(tx, ref);
  if (!td) throw clientException(`Unable to find task definition '${excerpt(ref, 255)}'.`);
  if (td.status !== "ACTIVE") throw clientException(`TaskDefinition ${td.family}:${td.revision} is ${td.status}: use an ACTIVE revision.`);
  checkLaunchCompatibility(td, fargate);
  return td;
}

/** CreateService's deployment controller: ECS (the default) or EXTERNAL (task sets); CODE_DEPLOY needs AWS CodeDeploy. */
function deploymentController(input: CreateServiceRequest, strategy: SchedulingStrategy): "ECS" | "EXTERNAL" {
  const type = input.deploymentController?.type ?? "ECS";
  if (type === "ECS") return "ECS";
  if (type === "CODE_DEPLOY") {
    throw invalidParameter("The CODE_DEPLOY deployment controller needs AWS CodeDeploy, which Berth does not run: use EXTERNAL and drive the deployment with task sets, or ECS.");
  }
  if (type !== "EXTERNAL") throw invalidParameter(`deploymentController.type must be ECS, CODE_DEPLOY or EXTERNAL; got '${excerpt(type)}'.`);
  if (strategy === "DAEMON") throw invalidParameter("The DAEMON scheduling strategy is not supported with the EXTERNAL deployment controller: use REPLICA.");
  if ((input.loadBalancers ?? []).length > 0) {
    throw invalidParameter("Load balancers of a service with the EXTERNAL deployment controller belong on its task sets: give them to CreateTaskSet (loadBalancers).");
  }
  return "EXTERNAL";
}

/**
 * A service that leaves BLUE_GREEN (LINEAR, CANARY) for ROLLING: a rolling update's tasks register
 * in each load balancer's `targetGroupArn`, so production traffic must be there, not on the
 * alternate group the last blue/green deployment moved it to.
 */
function backToRolling(s: ServiceRecord): ServiceRecord {
  if (s.production === undefined) return s;
  const production = productionTargetGroups(s);
  const stray = (s.loadBalancers ?? []).findIndex((lb, i) => production[i] !== lb.targetGroupArn);
  if (stray >= 0) {
    throw invalidParameter(
      `Production traffic is on target group ${production[stray]}, the alternate of ${s.loadBalancers?.[stray]?.targetGroupArn ?? ""}: a rolling update would register its tasks where no traffic goes. ` +
        "Name the group that has production traffic as targetGroupArn in loadBalancers in the same UpdateService, or deploy once more with BLUE_GREEN first.",
    );
  }
  return { ...s, production: undefined };
}

/** What UpdateService may change on an EXTERNAL service: its task sets carry the rest. */
function checkExternalUpdate(input: UpdateServiceRequest): void {
  const deploymentBound = (["taskDefinition", "forceNewDeployment", "placementConstraints", "placementStrategy", "loadBalancers", "capacityProviderStrategy", "networkConfiguration", "platformVersion"] as const).filter(
    (k) => input[k] !== undefined,
  );
  if (deploymentBound.length > 0) {
    throw invalidParameter(
      `Unable to update ${deploymentBound.join(", ")} on services with a EXTERNAL deployment controller. Create a task set with CreateTaskSet and make it primary with UpdateServicePrimaryTaskSet.`,
    );
  }
}

/** A resolved strategy as the service keeps and shows it; undefined for a launch type. */
const strategyItems = (capacity: LaunchCapacity): CapacityProviderStrategyItem[] | undefined =>
  capacity.kind === "strategy" ? capacity.strategy.map((i) => ({ capacityProvider: i.provider, weight: i.weight, base: i.base })) : undefined;

/** What a service would take and then not do: refused, saying why, rather than ignored. */
function unsupported(input: CreateServiceRequest | UpdateServiceRequest): void {
  checkLaunchType("launchType" in input ? input.launchType : undefined);
  if ((input.serviceRegistries ?? []).length > 0) throw invalidParameter("serviceRegistries are not available in Berth yet.");
  if (input.serviceConnectConfiguration?.enabled === true) {
    throw invalidParameter("Berth has no Service Connect yet: remove serviceConnectConfiguration (or set enabled to false), and reach the service through a load balancer or its tasks' addresses.");
  }
  refuseEbsVolumes(input.volumeConfigurations);
  if ((input.vpcLatticeConfigurations ?? []).length > 0) throw invalidParameter("vpcLatticeConfigurations need Amazon VPC Lattice, which Berth does not have: remove them.");
  if ((input.gatewayConnectors ?? []).length > 0) {
    throw invalidParameter("gatewayConnectors attach a service to an ECS gateway, which Berth does not have: remove them, and put the service behind a load balancer (loadBalancers).");
  }
}

/**
 * CreateService's `role`: a role name (ECS assumes the root path) or a full IAM role ARN, stored
 * and returned as the ARN. Berth makes no calls with it.
 */
function roleArnOf(role: string | undefined, accountId: string): string | undefined {
  if (role === undefined || role === "") return undefined;
  if (/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(role)) return role;
  if (/^[\w+=,.@/-]{1,512}$/.test(role)) return `arn:aws:iam::${accountId}:role/${role.replace(/^\/+/, "")}`;
  throw invalidParameter(`role must be an IAM role name or role ARN; got '${excerpt(role, 200)}'.`);
}

function propagate(p: string | undefined): string | undefined {
  if (p === undefined || p === "NONE" || p === "SERVICE" || p === "TASK_DEFINITION") return p;
  throw invalidParameter(`propagateTags must be TASK_DEFINITION, SERVICE or NONE; got '${excerpt(p)}'.`);
}

/** Region and account of an ARN built by domain/arn.ts. */
function partitionOf(arn: string) {
  const [, , , region = "", accountId = ""] = arn.split(":");
  return { region, accountId };
}
