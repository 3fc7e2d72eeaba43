import type { AccessKey } from "../../src/auth/credentials-file.js";
import { signedJsonRequest } from "./signed-request.js";

const ecs = (op: string) => `AmazonEC2ContainerServiceV20141113.${op}`;
const ecr = (op: string) => `AmazonEC2ContainerRegistry_V20150921.${op}`;

/**
 * What a client can see of the server's state, as plain JSON to compare before and after: clusters,
 * task definitions, services, tasks, container instances and their attributes, repositories and
 * their lifecycle policies and tags. Left out: what moves by itself (an agent's connection and the
 * instance version it bumps, service events, timestamps of the last status change).
 */
export async function snapshotState(endpoint: string, key: AccessKey): Promise<unknown> {
  const call = async (target: string, input: object, service = "ecs"): Promise<Record<string, unknown>> => {
    const r = await signedJsonRequest(endpoint, key, target, JSON.stringify(input), { service });
    if (r.status !== 200) throw new Error(`${target} for the snapshot: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const list = (body: Record<string, unknown>, member: string): string[] => {
    const v = body[member];
    return Array.isArray(v) ? v.map(String).sort() : [];
  };
  const clusterArns = list(await call(ecs("ListClusters"), { maxResults: 100 }), "clusterArns");
  const clusters = await call(ecs("DescribeClusters"), { clusters: clusterArns, include: ["SETTINGS", "TAGS", "CONFIGURATIONS", "STATISTICS"] });
  const perCluster = [];
  for (const cluster of clusterArns) {
    const services = list(await call(ecs("ListServices"), { cluster, maxResults: 100 }), "serviceArns");
    const described = services.length ? await call(ecs("DescribeServices"), { cluster, services, include: ["TAGS"] }) : {};
    const tasks = [];
    for (const desiredStatus of ["RUNNING", "STOPPED"]) {
      const arns = list(await call(ecs("ListTasks"), { cluster, desiredStatus, maxResults: 100 }), "taskArns");
      const d = arns.length ? await call(ecs("DescribeTasks"), { cluster, tasks: arns, include: ["TAGS"] }) : {};
      tasks.push({ desiredStatus, arns, tasks: withoutKeys(d.tasks, ["version", "updatedAt"]) });
    }
    const instances = list(await call(ecs("ListContainerInstances"), { cluster, maxResults: 100 }), "containerInstanceArns");
    const di = instances.length ? await call(ecs("DescribeContainerInstances"), { cluster, containerInstances: instances, include: ["TAGS"] }) : {};
    const attributes = await call(ecs("ListAttributes"), { cluster, targetType: "container-instance", maxResults: 100 });
    perCluster.push({
      cluster,
      services: withoutKeys(described.services, ["events"]),
      tasks,
      instances: withoutKeys(di.containerInstances, ["agentConnected", "version", "agentUpdateStatus"]),
      attributes: attributes.attributes,
    });
  }
  const taskDefinitions = [];
  for (const status of ["ACTIVE", "INACTIVE"]) {
    taskDefinitions.push(list(await call(ecs("ListTaskDefinitions"), { status, maxResults: 100 }), "taskDefinitionArns"));
  }
  const families = list(await call(ecs("ListTaskDefinitionFamilies"), { status: "ALL", maxResults: 100 }), "families");
  const repositories = await call(ecr("DescribeRepositories"), { maxResults: 1000 }, "ecr");
  const perRepository = [];
  for (const repo of Array.isArray(repositories.repositories) ? (repositories.repositories as { repositoryName: string; repositoryArn: string }[]) : []) {
    const images = await call(ecr("ListImages"), { repositoryName: repo.repositoryName, maxResults: 1000 }, "ecr");
    const policy = await signedJsonRequest(endpoint, key, ecr("GetLifecyclePolicy"), JSON.stringify({ repositoryName: repo.repositoryName }), { service: "ecr" });
    const tags = await call(ecr("ListTagsForResource"), { resourceArn: repo.repositoryArn }, "ecr");
    perRepository.push({ repo: repo.repositoryName, images: images.imageIds, policy: policy.body.lifecyclePolicyText ?? policy.body.__type, tags: tags.tags });
  }
  return { clusters: clusters.clusters, failures: clusters.failures, perCluster, taskDefinitions, families, repositories: repositories.repositories, perRepository };
}

function withoutKeys(items: unknown, keys: readonly string[]): unknown {
  if (!Array.isArray(items)) return items;
  return items.map((item: unknown) =>
    typeof item === "object" && item !== null ? Object.fromEntries(Object.entries(item).filter(([k]) => !keys.includes(k))) : item,
  );
}
