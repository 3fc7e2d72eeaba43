import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BerthServer } from "./support/berth-server.js";
import { signedJsonRequest } from "./support/signed-request.js";

const ecs = (op: string): string => `AmazonEC2ContainerServiceV20141113.${op}`;
const container = (over: Record<string, unknown> = {}) => ({ name: "app", image: "berth-test", memory: 64, ...over });
const taskDef = (over: Record<string, unknown> = {}) => JSON.stringify({ family: "bad", containerDefinitions: [container()], ...over });
const fargate = (over: Record<string, unknown> = {}) =>
  taskDef({ requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "256", memory: "512", ...over });

/** [what is wrong, operation, body, expected exception, a fragment its message must contain] */
const cases: readonly [string, string, string, string, RegExp][] = [
  ["malformed JSON", "ListClusters", "{", "SerializationException", /not valid JSON/],
  ["a list for the body", "ListClusters", "[]", "SerializationException", /structure/],
  ["an unknown operation", "LaunchRockets", "{}", "UnknownOperationException", /LaunchRockets/],
  ["an unknown service prefix", "x", "{}", "UnknownOperationException", /Unknown X-Amz-Target/],
  ["a missing family", "RegisterTaskDefinition", JSON.stringify({ containerDefinitions: [container()] }), "InvalidParameterException", /'family'/],
  ["missing containerDefinitions", "RegisterTaskDefinition", JSON.stringify({ family: "x" }), "InvalidParameterException", /'containerDefinitions'/],
  ["a number for family", "RegisterTaskDefinition", taskDef({ family: 7 }), "SerializationException", /'family'/],
  ["a string for containerDefinitions", "RegisterTaskDefinition", taskDef({ containerDefinitions: "app" }), "SerializationException", /containerDefinitions/],
  ["a string for memory", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container({ memory: "lots" })] }), "SerializationException", /containerDefinitions\[0\]\.memory/],
  ["a family with spaces", "RegisterTaskDefinition", taskDef({ family: "bad name!" }), "ClientException", /family/i],
  ["eleven containers", "RegisterTaskDefinition", taskDef({ containerDefinitions: Array.from({ length: 11 }, (_, i) => container({ name: `c${i}` })) }), "ClientException", /10/],
  ["two containers of one name", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container(), container()] }), "ClientException", /app/],
  ["a container without memory", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container({ memory: undefined })] }), "ClientException", /At least one of 'memory' or 'memoryReservation' must be specified/],
  ["an unknown networkMode", "RegisterTaskDefinition", taskDef({ networkMode: "mesh" }), "ClientException", /networkMode|mesh/],
  ["host mode with another hostPort", "RegisterTaskDefinition", taskDef({ networkMode: "host", containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 8080 }] })] }), "ClientException", /hostPort|containerPort/],
  ["port mappings with networkMode none", "RegisterTaskDefinition", taskDef({ networkMode: "none", containerDefinitions: [container({ portMappings: [{ containerPort: 80 }] })] }), "ClientException", /none|port/i],
  ["a containerPort out of range", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container({ portMappings: [{ containerPort: 70000 }] })] }), "ClientException", /70000|port/i],
  ["a Fargate cpu/memory pair that does not exist", "RegisterTaskDefinition", fargate({ memory: "4096" }), "ClientException", /No Fargate configuration exists for given values/],
  ["Fargate without task cpu", "RegisterTaskDefinition", fargate({ cpu: undefined }), "ClientException", /Fargate requires that 'cpu' be defined at the task level/],
  ["dependsOn an unknown container", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container({ dependsOn: [{ containerName: "ghost", condition: "START" }] })] }), "ClientException", /ghost/],
  ["dependsOn an unknown condition", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container({ name: "init", essential: false }), container({ dependsOn: [{ containerName: "init", condition: "SOMEDAY" }] })] }), "ClientException", /SOMEDAY|condition/],
  ["a healthCheck not starting with CMD", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container({ healthCheck: { command: ["curl", "x"] } })] }), "ClientException", /CMD/],
  ["no essential container", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container({ essential: false })] }), "ClientException", /essential/],
  ["memoryReservation above memory", "RegisterTaskDefinition", taskDef({ containerDefinitions: [container({ memory: 64, memoryReservation: 128 })] }), "ClientException", /memoryReservation|memory/],
  ["an unknown task definition", "DescribeTaskDefinition", JSON.stringify({ taskDefinition: "nope:1" }), "ClientException", /Unable to describe task definition/],
  ["DescribeTaskDefinition without taskDefinition", "DescribeTaskDefinition", "{}", "InvalidParameterException", /'taskDefinition'/],
  ["maxResults 0", "ListClusters", JSON.stringify({ maxResults: 0 }), "InvalidParameterException", /maxResults/],
  ["maxResults 101", "ListTaskDefinitions", JSON.stringify({ maxResults: 101 }), "InvalidParameterException", /maxResults/],
  ["a forged nextToken", "ListClusters", JSON.stringify({ nextToken: "garbage!" }), "InvalidParameterException", /nextToken/],
  ["a cluster name with a slash", "CreateCluster", JSON.stringify({ clusterName: "a/b" }), "InvalidParameterException", /Cluster name/],
  ["an unknown containerInsights value", "CreateCluster", JSON.stringify({ clusterName: "x", settings: [{ name: "containerInsights", value: "maybe" }] }), "InvalidParameterException", /containerInsights/],
  ["an unknown include field", "DescribeClusters", JSON.stringify({ include: ["GOSSIP"] }), "InvalidParameterException", /include/],
  ["101 clusters to describe", "DescribeClusters", JSON.stringify({ clusters: Array.from({ length: 101 }, (_, i) => `c${i}`) }), "InvalidParameterException", /100/],
  ["deleting a cluster that does not exist", "DeleteCluster", JSON.stringify({ cluster: "ghost" }), "ClusterNotFoundException", /Cluster not found/],
  ["UpdateClusterSettings without settings", "UpdateClusterSettings", JSON.stringify({ cluster: "default" }), "InvalidParameterException", /'settings'/],
  ["tagging something that takes no tags", "TagResource", JSON.stringify({ resourceArn: "arn:aws:s3:::bucket", tags: [{ key: "a", value: "b" }] }), "InvalidParameterException", /ARN/],
  ["a tag key with the aws: prefix", "CreateCluster", JSON.stringify({ clusterName: "tagged", tags: [{ key: "aws:owner", value: "me" }] }), "InvalidParameterException", /aws:/],
  ["an unknown sort order", "ListTaskDefinitions", JSON.stringify({ sort: "SIDEWAYS" }), "InvalidParameterException", /sort/],
  ["deregistering without a revision", "DeregisterTaskDefinition", JSON.stringify({ taskDefinition: "hello" }), "ClientException", /family:revision/],
  ["deleting eleven revisions at once", "DeleteTaskDefinitions", JSON.stringify({ taskDefinitions: Array.from({ length: 11 }, (_, i) => `x:${i + 1}`) }), "InvalidParameterException", /1 to 10/],
  ["a body over the size limit", "RegisterTaskDefinition", taskDef({ padding: "x".repeat(2 << 20) }), "ClientException", /larger than/],
];

describe("bad input gets a clear AWS error and changes nothing", () => {
  let server: BerthServer;
  before(async () => {
    server = await BerthServer.start();
  });
  after(() => server.stop());

  for (const [what, op, body, code, message] of cases) {
    it(`${what}: ${code}`, async () => {
      const r = await signedJsonRequest(server.endpoint, server.accessKey, op === "x" ? "Nope_2020.Do" : ecs(op), body);
      assert.equal(r.body.__type, code, JSON.stringify(r.body));
      assert.equal(r.status, 400);
      assert.match(String(r.body.message), message);
    });
  }

  it("stored nothing while refusing all of the above", async () => {
    const families = await signedJsonRequest(server.endpoint, server.accessKey, ecs("ListTaskDefinitionFamilies"), "{}");
    assert.deepEqual(families.body.families, []);
    const clusters = await signedJsonRequest(server.endpoint, server.accessKey, ecs("ListClusters"), "{}");
    assert.deepEqual(clusters.body.clusterArns, []);
  });
});
