import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DomainErrorName } from "../../errors/catalog.js";
import { aContainer, aFargateTaskDefinition, aTaskDefinition, refusal, type Request } from "./builders.js";
import { normalizeTaskDefinition, type NormalizeOptions } from "./normalize.js";

interface Case {
  readonly name: string;
  readonly request: Request;
  readonly fragment: string;
  readonly code?: DomainErrorName;
  readonly options?: NormalizeOptions;
}

const c = aContainer;
const td = aTaskDefinition;
const fargate = aFargateTaskDefinition;
const awslogs = { logDriver: "awslogs", options: { "awslogs-group": "g", "awslogs-region": "us-east-1" } } as const;
const withHealth = { healthCheck: { command: ["CMD", "true"] } };

const cases: Case[] = [
  // Request as a whole
  { name: "a request over 64 KiB", request: td({ containerDefinitions: [c({ environment: [{ name: "BIG", value: "x".repeat(70_000) }] })] }), fragment: "Max allowed length is '65536' bytes." },
  { name: "a family with a space", request: td({ family: "my app" }), fragment: "Invalid family 'my app'" },
  { name: "a family of 256 characters", request: td({ family: "f".repeat(256) }), fragment: "Invalid family" },
  { name: "no containers", request: td({ containerDefinitions: [] }), fragment: "Container list cannot be empty." },
  { name: "eleven containers", request: td({ containerDefinitions: Array.from({ length: 11 }, (_, i) => c({ name: `c${i}` })) }), fragment: "Too many containers." },
  { name: "an unknown requiresCompatibilities value", request: td({ requiresCompatibilities: ["LAMBDA" as "EC2"] }), fragment: "Invalid requiresCompatibilities value 'LAMBDA'. Valid values: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES." },
  { name: "an unknown networkMode", request: td({ networkMode: "nat" as "bridge" }), fragment: "Invalid networkMode 'nat'" },
  { name: "an unknown pidMode", request: td({ pidMode: "container" as "task" }), fragment: "Invalid pidMode 'container'" },
  { name: "an unknown ipcMode", request: td({ ipcMode: "private" as "none" }), fragment: "Invalid ipcMode 'private'" },
  { name: "an unknown cpuArchitecture", request: td({ runtimePlatform: { cpuArchitecture: "RISCV" as "ARM64" } }), fragment: "Invalid runtimePlatform cpuArchitecture 'RISCV'" },
  // Task size
  { name: "an unreadable task cpu", request: td({ cpu: "lots" }), fragment: "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section" },
  { name: "a task cpu below 128 units on EC2", request: td({ cpu: "64" }), fragment: "Task cpu must be from 128 to 196608 units." },
  { name: "a task cpu of 0.1 vCPU (not a whole number of units)", request: td({ cpu: "0.1 vCPU" }), fragment: "Invalid 'cpu' setting for task." },
  { name: "a task memory in TB", request: td({ memory: "1 TB" }), fragment: "Invalid 'memory' setting for task." },
  { name: "a task memory beyond 2147483647 MiB", request: td({ memory: "2147483648" }), fragment: "from 1 to 2147483647 MiB. (got '2147483648')" },
  { name: "a task memory of 1e15 MiB", request: td({ memory: "1000000000000000" }), fragment: "Invalid 'memory' setting for task." },
  // Containers
  { name: "a container name with a dot", request: td({ containerDefinitions: [c({ name: "web.1" })] }), fragment: "Invalid container name 'web.1'" },
  { name: "two containers with one name", request: td({ containerDefinitions: [c(), c()] }), fragment: "Duplicate container name 'web'" },
  { name: "a container without image", request: td({ containerDefinitions: [c({ image: undefined })] }), fragment: "Container.image should not be null or empty. Set 'image' for container 'web'." },
  { name: "an image of 256 characters", request: td({ containerDefinitions: [c({ image: "i".repeat(256) })] }), fragment: "Invalid 'image' setting for container 'web'" },
  { name: "an image digest that is not sha256", request: td({ containerDefinitions: [c({ image: "nginx@md5:abc" })] }), fragment: "A digest must be 'sha256:'" },
  { name: "no essential container", request: td({ containerDefinitions: [c({ essential: false })] }), fragment: "at least one essential container" },
  { name: "a negative container cpu", request: td({ containerDefinitions: [c({ cpu: -1 })] }), fragment: "Invalid 'cpu' setting for container 'web': -1" },
  // Memory and cpu
  { name: "no memory anywhere on EC2", request: td({ containerDefinitions: [c({ memory: undefined })] }), fragment: "Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be specified." },
  { name: "memory below memoryReservation", request: td({ containerDefinitions: [c({ memory: 128, memoryReservation: 256 })] }), fragment: "'memory' (128) must be greater than or equal to 'memoryReservation' (256)" },
  { name: "memory of 4 MiB", request: td({ containerDefinitions: [c({ memory: 4 })] }), fragment: "Invalid 'memory' setting for container 'web': 4 MiB" },
  { name: "memoryReservation of 5 MiB", request: td({ containerDefinitions: [c({ memory: undefined, memoryReservation: 5 })] }), fragment: "Invalid 'memoryReservation' setting for container 'web'" },
  { name: "container memory above task memory", request: td({ memory: "256", containerDefinitions: [c({ memory: 512 })] }), fragment: "The 'memory' setting for container 'web' is greater than for the task." },
  { name: "reservations above task memory", request: td({ memory: "256", containerDefinitions: [c({ name: "a", memory: undefined, memoryReservation: 200 }), c({ name: "b", memory: undefined, memoryReservation: 100 })] }), fragment: "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'." },
  { name: "container cpu above task cpu", request: td({ cpu: "256", containerDefinitions: [c({ name: "a", cpu: 200 }), c({ name: "b", cpu: 100 })] }), fragment: "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'." },
  // Port mappings
  { name: "port mappings with networkMode none", request: td({ networkMode: "none", containerDefinitions: [c({ portMappings: [{ containerPort: 80 }] })] }), fragment: "Port mappings are not supported when networkMode=none." },
  { name: "awsvpc host port different from container port", request: td({ networkMode: "awsvpc", containerDefinitions: [c({ portMappings: [{ containerPort: 80, hostPort: 8080 }] })] }), fragment: "When networkMode=awsvpc, the host ports and container ports in port mappings must match." },
  { name: "host mode host port different from container port", request: td({ networkMode: "host", containerDefinitions: [c({ portMappings: [{ containerPort: 80, hostPort: 8080 }] })] }), fragment: "When networkMode=host, the host ports and container ports in port mappings must match." },
  { name: "a port mapping without containerPort", request: td({ containerDefinitions: [c({ portMappings: [{ hostPort: 8080 }] })] }), fragment: "Invalid 'containerPort' setting for container 'web'." },
  { name: "a container port above 65535", request: td({ containerDefinitions: [c({ portMappings: [{ containerPort: 70_000 }] })] }), fragment: "Invalid 'containerPort' setting for container 'web'." },
  { name: "a negative host port", request: td({ containerDefinitions: [c({ portMappings: [{ containerPort: 80, hostPort: -1 }] })] }), fragment: "Invalid 'hostPort' setting for container 'web'." },
  { name: "one container port for tcp and udp", request: td({ containerDefinitions: [c({ portMappings: [{ containerPort: 53 }, { containerPort: 53, protocol: "udp" }] })] }), fragment: "maps container port 53 more than once" },
  { name: "a port range in host mode", request: td({ networkMode: "host", containerDefinitions: [c({ portMappings: [{ containerPortRange: "9000-9010" }] })] }), fragment: "Port ranges need networkMode bridge or awsvpc." },
  { name: "a descending port range", request: td({ containerDefinitions: [c({ portMappings: [{ containerPortRange: "9010-9000" }] })] }), fragment: "The first port must be lower than the last." },
  { name: "a port range overlapping a port", request: td({ containerDefinitions: [c({ portMappings: [{ containerPortRange: "9000-9010" }, { containerPort: 9005 }] })] }), fragment: "It overlaps the port mapping for 9005." },
  { name: "a port range with a container port", request: td({ containerDefinitions: [c({ portMappings: [{ containerPortRange: "9000-9010", containerPort: 9000 }] })] }), fragment: "not both" },
  { name: "an upper-case port mapping name", request: td({ containerDefinitions: [c({ portMappings: [{ containerPort: 80, name: "Web" }] })] }), fragment: "Invalid port mapping name 'Web'" },
  { name: "one port mapping name twice", request: td({ containerDefinitions: [c({ name: "a", portMappings: [{ containerPort: 80, name: "http" }] }), c({ name: "b", portMappings: [{ containerPort: 81, name: "http" }] })] }), fragment: "Duplicate port mapping name 'http'" },
  { name: "an unknown appProtocol", request: td({ containerDefinitions: [c({ portMappings: [{ containerPort: 80, appProtocol: "tcp" as "http" }] })] }), fragment: "Invalid appProtocol 'tcp' for container 'web'" },
  // Network-mode restrictions
  { name: "links with awsvpc", request: td({ networkMode: "awsvpc", containerDefinitions: [c({ links: ["db"] }), c({ name: "db" })] }), fragment: "Links are not supported when networkMode=awsvpc." },
  { name: "hostname with awsvpc", request: td({ networkMode: "awsvpc", containerDefinitions: [c({ hostname: "web" })] }), fragment: "hostname is not supported on container when networkMode=awsvpc." },
  { name: "extraHosts with awsvpc", request: td({ networkMode: "awsvpc", containerDefinitions: [c({ extraHosts: [{ hostname: "db", ipAddress: "10.0.0.1" }] })] }), fragment: "extraHosts is not supported on container when networkMode=awsvpc." },
  { name: "dnsServers with awsvpc", request: td({ networkMode: "awsvpc", containerDefinitions: [c({ dnsServers: ["10.0.0.2"] })] }), fragment: "dnsServers is not supported on container when networkMode=awsvpc." },
  { name: "dnsSearchDomains with awsvpc", request: td({ networkMode: "awsvpc", containerDefinitions: [c({ dnsSearchDomains: ["corp"] })] }), fragment: "dnsSearchDomains is not supported on container when networkMode=awsvpc." },
  { name: "a link to a missing container", request: td({ containerDefinitions: [c({ links: ["db:database"] })] }), fragment: "Container 'web' links to container 'db'" },
  // Health checks
  { name: "a health check without CMD", request: td({ containerDefinitions: [c({ healthCheck: { command: ["curl", "localhost"] } })] }), fragment: 'The command must start with "CMD" or "CMD-SHELL"' },
  { name: "a health check interval of 4 s", request: td({ containerDefinitions: [c({ healthCheck: { command: ["CMD", "true"], interval: 4 } })] }), fragment: "Invalid healthCheck 'interval' setting for container 'web': 4. Valid values are 5 to 300 seconds." },
  { name: "a health check timeout of 61 s", request: td({ containerDefinitions: [c({ healthCheck: { command: ["CMD", "true"], timeout: 61 } })] }), fragment: "healthCheck 'timeout'" },
  { name: "11 health check retries", request: td({ containerDefinitions: [c({ healthCheck: { command: ["CMD", "true"], retries: 11 } })] }), fragment: "Valid values are 1 to 10 retries." },
  { name: "a start period of 301 s", request: td({ containerDefinitions: [c({ healthCheck: { command: ["CMD", "true"], startPeriod: 301 } })] }), fragment: "healthCheck 'startPeriod'" },
  // Dependencies
  { name: "a dependency on a missing container", request: td({ containerDefinitions: [c({ dependsOn: [{ containerName: "db", condition: "START" }] })] }), fragment: "Container 'web' depends on container 'db', which is not defined" },
  { name: "an unknown dependency condition", request: td({ containerDefinitions: [c({ dependsOn: [{ containerName: "db", condition: "READY" as "START" }] })] }), fragment: "Invalid dependsOn condition 'READY' for container 'web'" },
  { name: "COMPLETE on an essential container", request: td({ containerDefinitions: [c({ dependsOn: [{ containerName: "init", condition: "COMPLETE" }] }), c({ name: "init" })] }), fragment: "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container" },
  { name: "SUCCESS on an essential container", request: td({ containerDefinitions: [c({ dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }), c({ name: "init", essential: true })] }), fragment: "waits for SUCCESS of 'init'" },
  { name: "HEALTHY on a container without health check", request: td({ containerDefinitions: [c({ dependsOn: [{ containerName: "db", condition: "HEALTHY" }] }), c({ name: "db" })] }), fragment: "but 'db' has no healthCheck" },
  { name: "two containers waiting for each other", request: td({ containerDefinitions: [c({ name: "a", dependsOn: [{ containerName: "b", condition: "START" }] }), c({ name: "b", dependsOn: [{ containerName: "a", condition: "START" }] })] }), fragment: "Circular dependency between containers: 'a' -> 'b' -> 'a'" },
  { name: "a container waiting for itself", request: td({ containerDefinitions: [c({ dependsOn: [{ containerName: "web", condition: "START" }] })] }), fragment: "Circular dependency between containers: 'web' -> 'web'" },
  { name: "a cycle through links and volumesFrom", request: td({ containerDefinitions: [c({ name: "a", links: ["b"] }), c({ name: "b", volumesFrom: [{ sourceContainer: "a" }] })] }), fragment: "Circular dependency between containers" },
  // Volumes
  { name: "two volumes with one name", request: td({ volumes: [{ name: "data" }, { name: "data" }] }), fragment: "Duplicate volume name 'data'" },
  { name: "a volume without a name", request: td({ volumes: [{ host: { sourcePath: "/srv" } }] }), fragment: "Invalid volume name ''" },
  { name: "a volume of two kinds", request: td({ volumes: [{ name: "data", host: {}, dockerVolumeConfiguration: { scope: "task" } }] }), fragment: "Volume 'data' sets more than one of" },
  { name: "autoprovision on a task-scoped volume", request: td({ volumes: [{ name: "data", dockerVolumeConfiguration: { scope: "task", autoprovision: true } }] }), fragment: "'autoprovision' can only be true when 'scope' is 'shared'" },
  { name: "an unknown volume scope", request: td({ volumes: [{ name: "data", dockerVolumeConfiguration: { scope: "global" as "task" } }] }), fragment: "Invalid dockerVolumeConfiguration scope for volume 'data': 'global'" },
  { name: "a mount of an undefined volume", request: td({ containerDefinitions: [c({ mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] })] }), fragment: "sourceVolume 'data' is not defined in the task definition's volumes" },
  { name: "a mount point without containerPath", request: td({ volumes: [{ name: "data" }], containerDefinitions: [c({ mountPoints: [{ sourceVolume: "data" }] })] }), fragment: "both 'sourceVolume' and 'containerPath' are required" },
  { name: "two mounts at one path", request: td({ volumes: [{ name: "a" }, { name: "b" }], containerDefinitions: [c({ mountPoints: [{ sourceVolume: "a", containerPath: "/d" }, { sourceVolume: "b", containerPath: "/d" }] })] }), fragment: "mounts more than one volume at '/d'" },
  { name: "volumesFrom a missing container", request: td({ containerDefinitions: [c({ volumesFrom: [{ sourceContainer: "db" }] })] }), fragment: "sourceContainer 'db' is not defined" },
  { name: "volumesFrom itself", request: td({ containerDefinitions: [c({ volumesFrom: [{ sourceContainer: "web" }] })] }), fragment: "cannot mount volumes from itself" },
  // Placement constraints
  { name: "a distinctInstance constraint", request: td({ placementConstraints: [{ type: "distinctInstance" as "memberOf" }] }), fragment: "Invalid placement constraint type 'distinctInstance'. Task definitions only support 'memberOf'" },
  { name: "eleven constraints", request: td({ placementConstraints: Array.from({ length: 11 }, () => ({ type: "memberOf" as const, expression: "attribute:ecs.os-type == linux" })) }), fragment: "Too many placement constraints: 11" },
  { name: "a memberOf without expression", request: td({ placementConstraints: [{ type: "memberOf" }] }), fragment: "needs an 'expression'" },
  { name: "an expression of 2001 characters", request: td({ placementConstraints: [{ type: "memberOf", expression: "x".repeat(2001) }] }), fragment: "expression is too long: 2001 characters" },
  { name: "an expression the placement engine refuses", request: td({ placementConstraints: [{ type: "memberOf", expression: "attribute:x ==" }] }), options: { validateExpression: () => "missing argument after '=='" }, fragment: "Invalid placement constraint expression 'attribute:x ==': missing argument after '=='" },
  // Logging and other container settings
  { name: "an unknown log driver", request: td({ containerDefinitions: [c({ logConfiguration: { logDriver: "loki" as "awslogs" } })] }), fragment: "Invalid logDriver 'loki' for container 'web'" },
  { name: "awslogs without group and region", request: td({ containerDefinitions: [c({ logConfiguration: { logDriver: "awslogs" } })] }), fragment: "Log driver awslogs requires options: awslogs-region, awslogs-group" },
  { name: "secrets without an execution role", request: td({ containerDefinitions: [c({ secrets: [{ name: "DB_PASSWORD", valueFrom: "/app/db-password" }] })] }), fragment: "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'. Container 'web' has secrets." },
  { name: "repositoryCredentials without an execution role", request: td({ containerDefinitions: [c({ repositoryCredentials: { credentialsParameter: "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf" } })] }), fragment: "Private repository authentication requires that the task definition specify a value for executionRoleArn. Container 'web' has repositoryCredentials." },
  { name: "awsfirelens without a router", request: td({ containerDefinitions: [c({ logConfiguration: { logDriver: "awsfirelens" } })] }), fragment: "no container in the task definition has a firelensConfiguration" },
  { name: "an unknown ulimit", request: td({ containerDefinitions: [c({ ulimits: [{ name: "files" as "nofile", softLimit: 1, hardLimit: 1 }] })] }), fragment: "Invalid ulimit 'files' for container 'web'" },
  { name: "a soft limit above the hard limit", request: td({ containerDefinitions: [c({ ulimits: [{ name: "nofile", softLimit: 2048, hardLimit: 1024 }] })] }), fragment: "softLimit (2048) cannot be greater than hardLimit (1024)" },
  { name: "an unknown capability", request: td({ containerDefinitions: [c({ linuxParameters: { capabilities: { add: ["SYS_FOO"] } } })] }), fragment: "Unknown capability 'SYS_FOO'" },
  { name: "a restart attempt period of 30 s", request: td({ containerDefinitions: [c({ restartPolicy: { enabled: true, restartAttemptPeriod: 30 } })] }), fragment: "'restartAttemptPeriod' must be from 60 to 1800 seconds" },
  { name: "an environment file not in S3", request: td({ containerDefinitions: [c({ environmentFiles: [{ type: "http" as "s3", value: "x" }] })] }), fragment: "Invalid environmentFiles type 'http'" },
  { name: "a proxy for a missing container", request: td({ proxyConfiguration: { containerName: "envoy" } }), fragment: "proxyConfiguration names container 'envoy'" },
  { name: "10 GiB of ephemeral storage", request: td({ ephemeralStorage: { sizeInGiB: 10 } }), fragment: "Invalid ephemeralStorage sizeInGiB 10" },
  // Tags
  { name: "a tag with the aws: prefix", request: td({ tags: [{ key: "AWS:team", value: "x" }] }), code: "InvalidParameterException", fragment: "'aws:' prefix" },
  { name: "51 tags", request: td({ tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: "v" })) }), code: "InvalidParameterException", fragment: "Too many tags: 51" },
  // Launch types
  { name: "Fargate with bridge mode", request: fargate({ networkMode: "bridge" }), fragment: "Fargate only supports network mode ‘awsvpc’." },
  { name: "Fargate without task cpu", request: fargate({ cpu: undefined }), fragment: "Fargate requires that 'cpu' be defined at the task level." },
  { name: "Fargate without task memory", request: fargate({ memory: undefined }), fragment: "Fargate requires that 'memory' be defined at the task level." },
  { name: "Fargate with cpu 256 and memory 4096", request: fargate({ cpu: "256", memory: "4096" }), fragment: "No Fargate configuration exists for given values." },
  { name: "Fargate with 3 vCPU", request: fargate({ cpu: "3 vCPU", memory: "8GB" }), fragment: "No Fargate configuration exists for given values. Fargate task cpu must be one of" },
  { name: "Fargate with a privileged container", request: fargate({ containerDefinitions: [c({ memory: undefined, privileged: true })] }), fragment: "do not support privileged containers (container 'web')" },
  { name: "Fargate with ipcMode", request: fargate({ ipcMode: "task" }), fragment: "Tasks using the Fargate launch type do not support ipcMode." },
  { name: "Fargate with awslogs but no execution role", request: fargate({ containerDefinitions: [c({ memory: undefined, logConfiguration: awslogs })] }), fragment: "Fargate requires task definition to have execution role ARN to support log driver awslogs." },
  { name: "Fargate with json-file logs", request: fargate({ containerDefinitions: [c({ memory: undefined, logConfiguration: { logDriver: "json-file" } })] }), fragment: "log driver 'json-file'" },
  { name: "Fargate with a host path volume", request: fargate({ volumes: [{ name: "data", host: { sourcePath: "/srv" } }] }), fragment: "host sourcePath volumes (volume 'data')" },
  { name: "Fargate with a placement constraint", request: fargate({ placementConstraints: [{ type: "memberOf", expression: "attribute:a == b" }] }), fragment: "do not support placement constraints" },
  { name: "Fargate with a 300 s stop timeout", request: fargate({ containerDefinitions: [c({ memory: undefined, stopTimeout: 300 })] }), fragment: "stopTimeout 300 (container 'web')" },
  { name: "EXTERNAL with awsvpc", request: td({ requiresCompatibilities: ["EXTERNAL"], networkMode: "awsvpc" }), fragment: "Tasks using the EXTERNAL launch type do not support network mode 'awsvpc'." },
  // Container rules come before launch-type rules, as they name the container at fault.
  { name: "Fargate with a health-check-less HEALTHY dependency", request: fargate({ containerDefinitions: [c({ memory: undefined, ...withHealth, dependsOn: [{ containerName: "db", condition: "HEALTHY" }] }), c({ name: "db", memory: undefined })] }), fragment: "but 'db' has no healthCheck" },
];

void describe("normalizeTaskDefinition refuses what ECS refuses", () => {
  void it("covers at least 40 distinct refusals", () => {
    assert.ok(cases.length >= 40, `only ${cases.length} cases`);
    assert.equal(new Set(cases.map((k) => k.name)).size, cases.length, "case names must be unique");
  });
  for (const k of cases) {
    void it(`refuses ${k.name}`, () => {
      const error = refusal(() => normalizeTaskDefinition(k.request, k.options));
      assert.equal(error.code, k.code ?? "ClientException");
      assert.ok(error.message.includes(k.fragment), `message was: ${error.message}`);
    });
  }
});
