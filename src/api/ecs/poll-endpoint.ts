import type { DiscoverPollEndpointRequest } from "@aws-sdk/client-ecs";
import { DiscoverPollEndpointRequest$ } from "../../aws-sdk/ecs.js";
import { clientException } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcsDeps } from "./deps.js";

const maxReference = 1600;

/**
 * DiscoverPollEndpoint: where an agent talks to the control plane. In Berth that is the server
 * itself for every role ECS gives a separate endpoint (the agent channel, telemetry, Service
 * Connect): the endpoint the server listens on. ECS's model declares no cluster check for it
 * (only ClientException), and the answer does not depend on the cluster or instance named.
 */
export function pollEndpointOperations({ endpoint }: EcsDeps): Record<string, Operation> {
  return {
    DiscoverPollEndpoint: operation<DiscoverPollEndpointRequest>(DiscoverPollEndpointRequest$, (input) => {
      // Nothing is looked up, but a name longer than any ARN (1,600 characters, IAM's bound) is no reference at all.
      for (const [member, value] of [["cluster", input.cluster], ["containerInstance", input.containerInstance]] as const) {
        if (value !== undefined && value.length > maxReference) throw clientException(`${member} must be a name, an ID or an ARN of at most ${maxReference} characters; got ${value.length}.`);
      }
      const url = `${endpoint()}/`;
      return Promise.resolve({ endpoint: url, telemetryEndpoint: url, serviceConnectEndpoint: url });
    }),
  };
}
