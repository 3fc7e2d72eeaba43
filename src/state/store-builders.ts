import type { ContainerInstanceRecord } from "../domain/container-instance.js";
import type { ServiceRecord } from "../domain/service.js";
import type { TaskRecord } from "../domain/task.js";
import type { ClusterRecord } from "../domain/cluster.js";
import type { TaskDefinitionRecord } from "./store.js";

/** Records for the store contract suite, each new (version 1) unless overridden. */

export function aCluster(name: string): ClusterRecord {
  return {
    name,
    arn: `arn:aws:ecs:us-east-1:000000000000:cluster/${name}`,
    status: "ACTIVE",
    settings: [{ name: "containerInsights", value: "disabled" }],
    createdAtMs: 1_700_000_000_000,
    version: 1,
  };
}

export function aTaskDefinition(family: string, revision: number, status: TaskDefinitionRecord["status"]): TaskDefinitionRecord {
  return {
    family,
    revision,
    status,
    body: { family, revision, containerDefinitions: [{ name: "app", image: "busybox", memory: 64 }] },
    registeredAtMs: 1_700_000_000_000,
  };
}

export function aTask(
  id: string,
  o: { cluster?: string; containerInstanceArn?: string; startedBy?: string; lastStatus?: TaskRecord["lastStatus"]; desired?: "RUNNING" | "STOPPED"; stoppedAtMs?: number },
): TaskRecord {
  const cluster = o.cluster ?? "c";
  const arn = `arn:aws:ecs:us-east-1:000000000000:task/${cluster}/${id}`;
  return {
    arn,
    id,
    cluster,
    clusterArn: `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`,
    containerInstanceArn: o.containerInstanceArn ?? "i1",
    taskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
    group: "family:web",
    // Absent members are left out, not undefined: a record reads back as it was saved (JSON).
    ...(o.startedBy === undefined ? {} : { startedBy: o.startedBy }),
    launchType: "EC2",
    overrides: {},
    tags: [],
    spec: { taskArn: arn, family: "web", revision: 1, desiredStatus: o.desired ?? "RUNNING", networkMode: "bridge", containers: [], volumes: [] },
    containerIds: {},
    reservation: { cpu: 0, memory: 64, tcpPorts: [], udpPorts: [] },
    lastStatus: o.lastStatus ?? "RUNNING",
    ...(o.stoppedAtMs === undefined ? {} : { stoppedAtMs: o.stoppedAtMs }),
    createdAtMs: 0,
    version: 1,
  };
}

export function aService(cluster: string, name: string, o: Partial<ServiceRecord> = {}): ServiceRecord {
  return {
    arn: `arn:aws:ecs:us-east-1:000000000000:service/${cluster}/${name}`,
    name,
    cluster,
    clusterArn: `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`,
    status: "ACTIVE",
    schedulingStrategy: "REPLICA",
    desiredCount: 2,
    taskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
    launchType: "EC2",
    deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: { enable: false, rollback: false } },
    placementConstraints: [],
    placementStrategy: [],
    healthCheckGracePeriodSeconds: 0,
    enableECSManagedTags: false,
    tags: [],
    deployments: [],
    startFailures: 0,
    createdAtMs: 1_700_000_000_000,
    version: 1,
    ...o,
  };
}

export function aContainerInstance(cluster: string, id: string, o: Partial<ContainerInstanceRecord> = {}): ContainerInstanceRecord {
  return {
    arn: `arn:aws:ecs:us-east-1:000000000000:container-instance/${cluster}/${id}`,
    id,
    cluster,
    ec2InstanceId: `i-${id}`,
    status: "ACTIVE",
    registered: { cpu: 1024, memory: 2048, reservedTcp: [], reservedUdp: [] },
    attributes: [],
    versionInfo: {},
    tags: [],
    registeredAtMs: 1_700_000_000_000,
    agentConnected: true,
    version: 1,
    ...o,
  };
}
