/**
 * Test builders: requests with sensible defaults and overrides, plus the two seed definitions Berth
 * registers out of the box. Only tests import this file.
 */
import type { ContainerDefinition, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { AwsError } from "../../errors/catalog.js";

export type Request = RegisterTaskDefinitionCommandInput;

/** A minimal valid container: name "web", image nginx, 128 MiB. */
export const aContainer = (overrides: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: "web",
  image: "nginx",
  memory: 128,
  ...overrides,
});

/** A minimal valid EC2 request with one container; `containerDefinitions` overrides replace the list. */
export const aTaskDefinition = (overrides: Partial<Request> = {}): Request => ({
  family: "web",
  containerDefinitions: [aContainer()],
  ...overrides,
});

/** A minimal valid Fargate request: awsvpc, 256 CPU units, 512 MiB. */
export const aFargateTaskDefinition = (overrides: Partial<Request> = {}): Request => ({
  family: "web",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  cpu: "256",
  memory: "512",
  containerDefinitions: [aContainer({ memory: undefined })],
  ...overrides,
});

/** Seed: nginx on a dynamic host port, bridge mode. */
export const helloServer = (): Request => ({
  family: "hello-server",
  networkMode: "bridge",
  containerDefinitions: [
    { name: "hello-server", image: "nginx", cpu: 384, memory: 384, portMappings: [{ containerPort: 80, hostPort: 0 }] },
  ],
});

/** Seed: httpd on Fargate, logging to CloudWatch Logs. */
export const helloFargate = (): Request => ({
  family: "hello-fargate",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  cpu: "256",
  memory: "512",
  executionRoleArn: "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
  containerDefinitions: [
    {
      name: "web",
      image: "httpd:2.4",
      essential: true,
      portMappings: [{ containerPort: 80 }],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": "/ecs/hello-fargate", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs" },
      },
    },
  ],
});

/** The AwsError `run` throws; fails the test when it throws nothing or something else. */
export function refusal(run: () => unknown): AwsError {
  try {
    run();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error("expected an AwsError, but the call succeeded");
}
