import { DiscoverPollEndpointRequest$, type DiscoverPollEndpointRequest } from "@aws-sdk/client-ecs";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcsDeps } from "./deps.js";

/**
 * DiscoverPollEndpoint: where an agent talks to the control plane. In Berth that is the server
 * itself for every role ECS gives a separate endpoint (the agent channel, telemetry, Service
 * Connect): the endpoint the server listens on. ECS's model declares no cluster check for it
 * (only ClientException), and the answer does not depend on the cluster or instance named.
 */
export function pollEndpointOperations({ endpoint }: EcsDeps): Record<string, Operation> {
  return {
    DiscoverPollEndpoint: operation<DiscoverPollEndpointRequest>(DiscoverPollEndpointRequest$, () => {
      const url = `${endpoint()}/`;
      return Promise.resolve({ endpoint: url, telemetryEndpoint: url, serviceConnectEndpoint: url });
    }),
  };
}
