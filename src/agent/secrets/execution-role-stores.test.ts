import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TaskRoleType } from "../../agent-protocol/task-credentials.js";
import { EndpointRotation } from "../endpoints.js";
import { aContainer, aTaskSpec } from "../task-test-kit.js";
import { executionRoleSecrets } from "./execution-role-stores.js";

interface Seen {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A stand-in for the server's SSM and Secrets Manager front door (AWS JSON 1.1), answering from
 * tables; it records what the SDK clients sent. Any parameter under /denied/ is refused as IAM refuses.
 */
class FakeFrontDoor {
  readonly seen: Seen[] = [];
  private server?: Server;
  url = "";

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => {
        const target = String(req.headers["x-amz-target"] ?? "");
        const body = JSON.parse(text || "{}") as Record<string, unknown>;
        this.seen.push({ target, body, headers: req.headers });
        const [status, answer] = this.answer(target, body);
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(answer));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private answer(target: string, body: Record<string, unknown>): [number, unknown] {
    if (target === "AmazonSSM.GetParameters") {
      const names = body.Names as string[];
      const denied = names.find((n) => n.startsWith("/denied/"));
      if (denied) return [400, { __type: "AccessDeniedException", message: `User: arn:aws:sts::123456789012:assumed-role/exec/t is not authorized to perform: ssm:GetParameters on resource: ${denied}` }];
      return [200, { Parameters: names.filter((n) => n !== "/missing").map((n) => ({ Name: n, Value: `value of ${n}`, Type: "SecureString" })), InvalidParameters: names.filter((n) => n === "/missing") }];
    }
    if (target === "secretsmanager.GetSecretValue") return [200, { ARN: body.SecretId, Name: "db", SecretString: '{"user":"u"}', VersionStages: ["AWSCURRENT"] }];
    return [400, { __type: "UnknownOperationException", message: target }];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

const credentials = { roleArn: "arn:aws:iam::123456789012:role/exec", accessKeyId: "ASIAEXEC", secretAccessKey: "exec-secret", sessionToken: "exec-session", expiration: Date.now() + 3_600_000 };
const secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";

describe("secrets read with the SDK clients as the execution role", () => {
  const door = new FakeFrontDoor();
  before(() => door.start());
  after(() => door.close());

  const resolver = (fetched: Array<[string, TaskRoleType]>, fail = false) =>
    executionRoleSecrets({
      endpoints: new EndpointRotation([door.url]),
      region: "us-west-2",
      trust: { ca: undefined, httpsAgent: undefined },
      fetch: (taskArn, roleType) => {
        fetched.push([taskArn, roleType]);
        return fail ? Promise.reject(Object.assign(new Error("no role for the task"), { name: "ClientException" })) : Promise.resolve(credentials);
      },
    });
  const spec = (secrets: Array<{ name: string; valueFrom: string }>) => aTaskSpec({ executionRoleArn: credentials.roleArn, containers: [aContainer("app", { secrets })] });

  it("asks GetParameters decrypted and GetSecretValue, signed as the role's session, in each secret's region", async () => {
    door.seen.length = 0;
    const fetched: Array<[string, TaskRoleType]> = [];
    const task = spec([
      { name: "A", valueFrom: "/app/a" },
      { name: "B", valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/app/b" },
      { name: "USER", valueFrom: `${secret}:user:AWSPREVIOUS:` },
    ]);
    const out = await resolver(fetched)(task);
    assert.ok(out.ok);
    assert.deepEqual(out.containers.get("app")?.environment, { A: "value of /app/a", B: "value of /app/b", USER: "u" });
    assert.deepEqual(fetched, [[task.taskArn, "TaskExecution"]]);
    const calls = door.seen.map((s) => [s.target, s.body, /Credential=ASIAEXEC\/\d+\/([a-z0-9-]+)\/([a-z]+)\/aws4_request/.exec(String(s.headers.authorization))?.slice(1), s.headers["x-amz-security-token"]]);
    const ssmEast = ["AmazonSSM.GetParameters", { Names: ["/app/a"], WithDecryption: true }, ["us-east-1", "ssm"], "exec-session"];
    const ssmWest = ["AmazonSSM.GetParameters", { Names: ["/app/b"], WithDecryption: true }, ["eu-west-1", "ssm"], "exec-session"];
    const asm = ["secretsmanager.GetSecretValue", { SecretId: secret, VersionStage: "AWSPREVIOUS" }, ["us-east-1", "secretsmanager"], "exec-session"];
    assert.deepEqual(calls.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [ssmEast, ssmWest, asm].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  });

  it("turns the server's refusal into ECS's reason, with its code and message", async () => {
    const out = await resolver([])(spec([{ name: "X", valueFrom: "/denied/x" }]));
    assert.ok(!out.ok);
    assert.equal(
      out.reason,
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/t is not authorized to perform: ssm:GetParameters on resource: /denied/x",
    );
  });

  it("reads SSM's InvalidParameters as parameters not found", async () => {
    const out = await resolver([])(spec([{ name: "X", valueFrom: "/missing" }]));
    assert.ok(!out.ok);
    assert.match(out.reason, /invalid ssm parameters: \/missing$/);
  });

  it("calls nothing when the role's credentials cannot be had", async () => {
    door.seen.length = 0;
    const out = await resolver([], true)(spec([{ name: "A", valueFrom: "/app/a" }]));
    assert.ok(!out.ok);
    assert.match(out.reason, /unable to get the task execution role's credentials: ClientException: no role for the task$/);
    assert.equal(door.seen.length, 0);
  });
});
