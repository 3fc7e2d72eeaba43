/**
 * The console's only way to the server: the public APIs on this page's origin (ECS, and ELBv2,
 * CloudWatch and Application Auto Scaling for a service's health, metrics and scaling), each
 * signed with SigV4 by the AWS SDK's own client, with the credentials the user signed in with. Lists are read page by
 * page (up to a cap) and described in the batch sizes ECS accepts.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  ListTasksCommand,
  type ContainerInstance,
  type DesiredStatus,
  type Service,
  type ServiceDeployment,
  type Task,
} from "@aws-sdk/client-ecs";
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { ConsoleCredentials } from "../forms.js";

/** The most items a table lists (more pages are not read). */
export const listCap = 500;

export interface Api {
  readonly ecs: ECSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly cloudwatch: CloudWatchClient;
  readonly scaling: ApplicationAutoScalingClient;
  readonly region: string;
}

export function apiFor(credentials: ConsoleCredentials, endpoint: string): Api {
  const { accessKeyId, secretAccessKey, sessionToken, region } = credentials;
  const config = { endpoint, region, credentials: { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) }, maxAttempts: 2 };
  return {
    ecs: new ECSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    cloudwatch: new CloudWatchClient(config),
    scaling: new ApplicationAutoScalingClient(config),
    region,
  };
}

/** Every page of a list call, up to {@link listCap} items. */
export async function listAll(page: (nextToken: string | undefined) => Promise<{ readonly items: readonly string[]; readonly nextToken?: string | undefined }>): Promise<string[]> {
  const all: string[] = [];
  let token: string | undefined;
  do {
    const { items, nextToken } = await page(token);
    all.push(...items);
    token = nextToken;
  } while (token && all.length < listCap);
  return all.slice(0, listCap);
}

/** `describe` over `ids` in batches of `size` (what each Describe call accepts), in parallel. */
export async function inBatches<T>(ids: readonly string[], size: number, describe: (batch: string[]) => Promise<readonly T[] | undefined>): Promise<T[]> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
  return (await Promise.all(batches.map(describe))).flatMap((b) => b ?? []);
}

export async function servicesOf(api: Api, cluster: string): Promise<Service[]> {
  const arns = await listAll(async (nextToken) => {
    const r = await api.ecs.send(new ListServicesCommand({ cluster, nextToken, maxResults: 100 }));
    return { items: r.serviceArns ?? [], nextToken: r.nextToken };
  });
  return inBatches(arns, 10, async (services) => (await api.ecs.send(new DescribeServicesCommand({ cluster, services }))).services);
}

export async function tasksOf(api: Api, cluster: string, filter: { readonly serviceName?: string; readonly desiredStatus?: DesiredStatus } = {}): Promise<Task[]> {
  const arns = await listAll(async (nextToken) => {
    const r = await api.ecs.send(new ListTasksCommand({ cluster, ...filter, nextToken, maxResults: 100 }));
    return { items: r.taskArns ?? [], nextToken: r.nextToken };
  });
  return inBatches(arns, 100, async (tasks) => (await api.ecs.send(new DescribeTasksCommand({ cluster, tasks }))).tasks);
}

/** Running and recently stopped tasks (stopped ones explain what happened). */
export async function recentTasksOf(api: Api, cluster: string, serviceName?: string): Promise<Task[]> {
  const [running, stopped] = await Promise.all([tasksOf(api, cluster, { serviceName }), tasksOf(api, cluster, { serviceName, desiredStatus: "STOPPED" })]);
  return [...running, ...stopped];
}

const describeInstances = (api: Api, cluster: string | undefined, arns: readonly string[]): Promise<ContainerInstance[]> =>
  inBatches(arns, 100, async (containerInstances) => (await api.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances }))).containerInstances);

/** The EC2 instance id of each of these container instances, by ARN. */
export async function ec2InstanceIdsOf(api: Api, cluster: string | undefined, containerInstanceArns: readonly string[]): Promise<Map<string, string>> {
  const described = await describeInstances(api, cluster, containerInstanceArns);
  return new Map(described.flatMap((ci) => (ci.containerInstanceArn && ci.ec2InstanceId ? [[ci.containerInstanceArn, ci.ec2InstanceId] as const] : [])));
}

export async function instancesOf(api: Api, cluster: string): Promise<ContainerInstance[]> {
  const arns = await listAll(async (nextToken) => {
    const r = await api.ecs.send(new ListContainerInstancesCommand({ cluster, nextToken, maxResults: 100 }));
    return { items: r.containerInstanceArns ?? [], nextToken: r.nextToken };
  });
  return describeInstances(api, cluster, arns);
}

/**
 * A service's deployments still under way (their lifecycle stages: blue/green, linear and canary
 * deployments), as DescribeServiceDeployments shows them; ListServiceDeployments' summaries have no stage.
 */
export async function deploymentsUnderWay(api: Api, cluster: string, service: string): Promise<ServiceDeployment[]> {
  const status = ["PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"] as const;
  const listed = await api.ecs.send(new ListServiceDeploymentsCommand({ cluster, service, status: [...status], maxResults: 20 }));
  const arns = (listed.serviceDeployments ?? []).flatMap((d) => (d.serviceDeploymentArn ? [d.serviceDeploymentArn] : []));
  return inBatches(arns, 20, async (serviceDeploymentArns) => (await api.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns }))).serviceDeployments);
}
