import { sdk as ecs } from "../../aws-sdk/ecs.js";
import type { StaticStructureSchema } from "@smithy/types";
import { refusedOperation, type Operation, type Refusal } from "../aws-json/service.js";

/**
 * The operations of ECS's model that Berth answers with an error only, each with the exception
 * ECS declares for it (UnsupportedFeatureException where the model has it, else ClientException)
 * and why: what means nothing on machines you own (every ECS operation Berth means to offer, it
 * offers; a `not-yet` Refusal would mark one it does not yet). docs/compatibility.md lists them (`npm run compat`).
 */
const refused = (code: "UnsupportedFeatureException" | "ClientException", reason: string): Refusal => ({ kind: "refused", code, reason });

const submissions =
  "Berth takes task, container and attachment states only from the agent of the task's container instance, over Berth's agent channel (the /agent/ WebSocket, where each agent speaks only as its own instance); run Berth's agent (berth agent) on the instance";
const daemons = "ECS Managed Daemons run on ECS Managed Instances capacity providers, which Berth does not have; a service with schedulingStrategy DAEMON runs one task per instance";
const express = "Express services provision AWS load balancers, security groups and scaling policies in an AWS account; create a service with CreateService instead";
const gateways = "gateways manage AWS load balancers for ECS services in an AWS account, which Berth does not have";

const unoffered: Readonly<Record<string, Refusal>> = {
  ListServicesByNamespace: refused(
    "ClientException",
    "Berth has no Service Connect: services take no serviceConnectConfiguration, so none belongs to a Cloud Map namespace (a cluster's serviceConnectDefaults is only stored); use ListServices",
  ),
  ContinueServiceDeployment: refused(
    "UnsupportedFeatureException",
    "deployment lifecycle hooks run AWS Lambda functions, which Berth does not have: services take no lifecycleHooks, so no deployment waits to be continued",
  ),
  SubmitTaskStateChange: refused("ClientException", submissions),
  SubmitContainerStateChange: refused("ClientException", submissions),
  SubmitAttachmentStateChanges: refused("ClientException", submissions),
  ExecuteCommand: refused("ClientException", "it opens an SSM Session Manager channel, which Berth does not run; use docker exec on the container instance"),
  UpdateContainerAgent: refused("ClientException", "Berth's agent is updated with Berth itself, not through the ECS API"),
  CreateDaemon: refused("UnsupportedFeatureException", daemons),
  DescribeDaemon: refused("UnsupportedFeatureException", daemons),
  UpdateDaemon: refused("UnsupportedFeatureException", daemons),
  DeleteDaemon: refused("UnsupportedFeatureException", daemons),
  ListDaemons: refused("UnsupportedFeatureException", daemons),
  DescribeDaemonDeployments: refused("UnsupportedFeatureException", daemons),
  ListDaemonDeployments: refused("UnsupportedFeatureException", daemons),
  DescribeDaemonRevisions: refused("UnsupportedFeatureException", daemons),
  RegisterDaemonTaskDefinition: refused("ClientException", daemons),
  DescribeDaemonTaskDefinition: refused("ClientException", daemons),
  DeleteDaemonTaskDefinition: refused("ClientException", daemons),
  ListDaemonTaskDefinitions: refused("ClientException", daemons),
  CreateExpressGatewayService: refused("UnsupportedFeatureException", express),
  DescribeExpressGatewayService: refused("UnsupportedFeatureException", express),
  UpdateExpressGatewayService: refused("UnsupportedFeatureException", express),
  DeleteExpressGatewayService: refused("UnsupportedFeatureException", express),
  CreateGateway: refused("UnsupportedFeatureException", gateways),
  DescribeGateway: refused("UnsupportedFeatureException", gateways),
  UpdateGateway: refused("UnsupportedFeatureException", gateways),
  DeleteGateway: refused("UnsupportedFeatureException", gateways),
  ListGateways: refused("UnsupportedFeatureException", gateways),
  DescribeGatewayResources: refused("UnsupportedFeatureException", gateways),
  DescribeGatewayRoute: refused("UnsupportedFeatureException", gateways),
  ListGatewayRoutes: refused("UnsupportedFeatureException", gateways),
  AssociateGatewayWithCluster: refused("UnsupportedFeatureException", gateways),
  DisassociateGatewayFromCluster: refused("UnsupportedFeatureException", gateways),
  ListGatewayClusterAssociations: refused("UnsupportedFeatureException", gateways),
};

/** The refused operations, each checking its input against the model's `<Op>Request` shape first. */
export function unofferedOperations(): Record<string, Operation> {
  const schemas = ecs as unknown as Readonly<Record<string, StaticStructureSchema | undefined>>;
  return Object.fromEntries(
    Object.entries(unoffered).map(([name, refusal]) => {
      const input = schemas[`${name}Request$`];
      if (!input) throw new Error(`@aws-sdk/client-ecs has no ${name}Request$ schema`);
      return [name, refusedOperation(name, input, refusal)];
    }),
  );
}
