import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import {
  ClientException,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { BerthServer } from "./support/berth-server.js";
import { clients } from "./support/iam-tools.js";

const fixture = (name: string): string => resolve(import.meta.dirname, "../../test/fixtures", name);
const readFixture = (name: string): RegisterTaskDefinitionCommandInput =>
  JSON.parse(readFileSync(fixture(name), "utf8")) as RegisterTaskDefinitionCommandInput;

describe("foundation: the seed flow against a running berth server", () => {
  let server: BerthServer;
  before(async () => {
    server = await BerthServer.start();
  });
  after(() => server.stop());

  it("registers hello-server with the AWS CLI: ACTIVE, revision 1, EC2-compatible, ECS's defaults filled in", async () => {
    const r = await server.aws("ecs", "register-task-definition", "--cli-input-json", `file://${fixture("basic-task.json")}`);
    assert.equal(r.code, 0, r.stderr);
    const td = (JSON.parse(r.stdout) as { taskDefinition: Record<string, unknown> & { containerDefinitions: Record<string, unknown>[] } })
      .taskDefinition;
    assert.equal(td.status, "ACTIVE");
    assert.equal(td.revision, 1);
    assert.match(String(td.taskDefinitionArn), /^arn:aws:ecs:us-east-1:\d{12}:task-definition\/hello-server:1$/);
    assert.ok((td.compatibilities as string[]).includes("EC2"));
    assert.deepEqual(td.volumes, []);
    assert.deepEqual(td.placementConstraints, []);
    assert.equal(typeof td.registeredAt, "string", "the CLI prints registeredAt as a date");
    const container = td.containerDefinitions[0]!;
    assert.deepEqual(container.environment, []);
    assert.deepEqual(container.mountPoints, []);
    assert.deepEqual(container.volumesFrom, []);
  });

  it("registers it again as revision 2, and lists both", async () => {
    const r = await server.aws("ecs", "register-task-definition", "--cli-input-json", `file://${fixture("basic-task.json")}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { taskDefinition: { revision: number } }).taskDefinition.revision, 2);
    const list = await server.aws("ecs", "list-task-definitions");
    assert.equal(list.code, 0, list.stderr);
    const arns = (JSON.parse(list.stdout) as { taskDefinitionArns: string[] }).taskDefinitionArns;
    assert.deepEqual(arns.map((a) => a.split("/")[1]), ["hello-server:1", "hello-server:2"]);
  });

  it("does the same through the AWS SDK v3, which reads dates back as Dates", async () => {
    const ecs = server.ecs();
    const out = await ecs.send(new RegisterTaskDefinitionCommand(readFixture("basic-task.json")));
    assert.equal(out.taskDefinition?.revision, 3);
    assert.ok(out.taskDefinition?.registeredAt instanceof Date);
    const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "hello-server" }));
    assert.equal(described.taskDefinition?.revision, 3, "a bare family names its newest ACTIVE revision");
    const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "hello-server", sort: "DESC", maxResults: 2 }));
    assert.deepEqual(listed.taskDefinitionArns?.map((a) => a.split(":").pop()), ["3", "2"]);
    assert.ok(listed.nextToken);
    const rest = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "hello-server", sort: "DESC", nextToken: listed.nextToken }));
    assert.deepEqual(rest.taskDefinitionArns?.map((a) => a.split(":").pop()), ["1"]);
  });

  it("registers the Fargate definition and refuses a cpu/memory pair Fargate does not offer", async () => {
    const ecs = server.ecs();
    const fargate = readFixture("fargate-task.json");
    // ECS refuses a role that does not exist ("Role is not valid"): the fixture's execution role first.
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    await clients(server).iam.send(new CreateRoleCommand({ RoleName: "ecsTaskExecutionRole", AssumeRolePolicyDocument: trust }));
    const ok = await ecs.send(new RegisterTaskDefinitionCommand(fargate));
    assert.ok(ok.taskDefinition?.compatibilities?.includes("FARGATE"));
    assert.equal(ok.taskDefinition?.cpu, "256");
    assert.equal(ok.taskDefinition?.memory, "512");
    await assert.rejects(ecs.send(new RegisterTaskDefinitionCommand({ ...fargate, memory: "4096" })), (e: unknown) => {
      assert.ok(e instanceof ClientException);
      assert.match(e.message, /^No Fargate configuration exists for given values\./);
      return true;
    });
    const after = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "sample-fargate" }));
    assert.equal(after.taskDefinition?.revision, 1, "the refused registration stored nothing");
  });

  it("loses nothing acknowledged when killed with SIGKILL", async () => {
    const ecs = server.ecs();
    const registered = await ecs.send(new RegisterTaskDefinitionCommand({ ...readFixture("basic-task.json"), family: "durable" }));
    await server.kill("SIGKILL");
    await server.restart();
    const described = await server.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: "durable:1" }));
    assert.equal(described.taskDefinition?.taskDefinitionArn, registered.taskDefinition?.taskDefinitionArn);
    assert.deepEqual(described.taskDefinition?.containerDefinitions, registered.taskDefinition?.containerDefinitions);
  });

  it("refuses a request signed with a wrong secret with 403, and changes nothing", async () => {
    const before = await server.ecs().send(new ListClustersCommand({}));
    const bad = server.ecs({ secretAccessKey: "not-the-secret" });
    await assert.rejects(bad.send(new RegisterTaskDefinitionCommand({ ...readFixture("basic-task.json"), family: "forged" })), (e: unknown) => {
      const err = e as { name: string; $metadata: { httpStatusCode?: number } };
      assert.equal(err.name, "InvalidSignatureException");
      assert.equal(err.$metadata.httpStatusCode, 403);
      return true;
    });
    const cli = await server.aws("ecs", "list-clusters", "--no-sign-request");
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /MissingAuthenticationToken/);
    await assert.rejects(server.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: "forged" })), ClientException);
    assert.deepEqual(await server.ecs().send(new ListClustersCommand({})).then((r) => r.clusterArns), before.clusterArns);
  });
});
