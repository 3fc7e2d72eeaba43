import { createRequire } from "node:module";

/** `@aws-sdk/client-ecs`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");

export const {
  CreateCapacityProviderRequest$,
  CreateClusterRequest$,
  CreateServiceRequest$,
  CreateTaskSetRequest$,
  DeleteAccountSettingRequest$,
  DeleteAttributesRequest$,
  DeleteCapacityProviderRequest$,
  DeleteClusterRequest$,
  DeleteServiceRequest$,
  DeleteTaskDefinitionsRequest$,
  DeleteTaskSetRequest$,
  DeregisterContainerInstanceRequest$,
  DeregisterTaskDefinitionRequest$,
  DescribeCapacityProvidersRequest$,
  DescribeClustersRequest$,
  DescribeContainerInstancesRequest$,
  DescribeServiceDeploymentsRequest$,
  DescribeServiceRevisionsRequest$,
  DescribeServicesCommand,
  DescribeServicesRequest$,
  DescribeTaskDefinitionCommand,
  DescribeTaskDefinitionRequest$,
  DescribeTaskSetsRequest$,
  DescribeTasksCommand,
  DescribeTasksRequest$,
  DiscoverPollEndpointRequest$,
  ECSClient,
  GetTaskProtectionRequest$,
  ListAccountSettingsRequest$,
  ListAttributesRequest$,
  ListClustersRequest$,
  ListContainerInstancesRequest$,
  ListServiceDeploymentsRequest$,
  ListServicesRequest$,
  ListTagsForResourceRequest$,
  ListTaskDefinitionFamiliesRequest$,
  ListTaskDefinitionsRequest$,
  ListTasksRequest$,
  PutAccountSettingDefaultRequest$,
  PutAccountSettingRequest$,
  PutAttributesRequest$,
  PutClusterCapacityProvidersRequest$,
  RegisterContainerInstanceCommand,
  RegisterContainerInstanceRequest$,
  RegisterTaskDefinitionCommand,
  RegisterTaskDefinitionRequest$,
  RunTaskRequest$,
  StartTaskRequest$,
  StopServiceDeploymentRequest$,
  StopTaskRequest$,
  TagResourceRequest$,
  TaskOverride$,
  UntagResourceRequest$,
  UpdateCapacityProviderRequest$,
  UpdateClusterRequest$,
  UpdateClusterSettingsRequest$,
  UpdateContainerInstancesStateRequest$,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetRequest$,
  UpdateServiceRequest$,
  UpdateTaskProtectionRequest$,
  UpdateTaskSetRequest$,
} = sdk;

// The classes' instance types, under the same names, as the package exports them.
export type DescribeServicesCommand = import("@aws-sdk/client-ecs").DescribeServicesCommand;
export type DescribeTaskDefinitionCommand = import("@aws-sdk/client-ecs").DescribeTaskDefinitionCommand;
export type DescribeTasksCommand = import("@aws-sdk/client-ecs").DescribeTasksCommand;
export type ECSClient = import("@aws-sdk/client-ecs").ECSClient;
export type RegisterContainerInstanceCommand = import("@aws-sdk/client-ecs").RegisterContainerInstanceCommand;
export type RegisterTaskDefinitionCommand = import("@aws-sdk/client-ecs").RegisterTaskDefinitionCommand;
export type UpdateServiceCommand = import("@aws-sdk/client-ecs").UpdateServiceCommand;
