/**
 * What IAM authorization costs a request: ListClusters signed by the root key (no policy
 * evaluation) against the same call signed by an IAM user with 100 managed policies attached
 * (300 statements, conditions included, the allowing statement last), interleaved in one run
 * against one real `berth server`. `npm run bench:iam` (`RUNS`, default 4,000 pairs; `SAME_KEY=1` signs
 * both sides with the root key, for the noise floor; `IN_PROCESS_ONLY=1` runs only the in-process parts).
 *
 * Also, in process: `decide()` alone over the same 100 compiled policies, and the JSON front door's
 * authorization step (resources, request facts, `authorize()`) for the root key and for that user,
 * alternating in rounds, so that the load of a shared machine falls on both alike.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ECSClient, ListClustersCommand } from "@aws-sdk/client-ecs";
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { parseCredentialsFile } from "../src/auth/credentials-file.js";
import { authorize, decide } from "../src/auth/authorize.js";
import { rootPrincipal, type Principal } from "../src/auth/principal.js";
import { requestFacts } from "../src/auth/request-context.js";
import { resourcesOf, serviceConditionKeys } from "../src/auth/resources.js";
import { compilePolicyText } from "../src/auth/policy/compile.js";
import { policySet } from "../src/auth/policy/policy-set.js";
import type { IamUserPrincipal } from "../src/auth/principal.js";
import { machineLine, quantile } from "./support/bench-cluster.js";

const runs = Number(process.env.RUNS ?? 4000);
const policyCount = 100;
const account = "000000000000";

/** Policy i: two statements that do not apply to ListClusters, and the last policy's third allows it. */
function policyText(i: number): string {
  const statements: object[] = [
    { Effect: "Deny", Action: ["ecs:DeleteCluster", "ecs:DeleteService"], Resource: `arn:aws:ecs:*:${account}:cluster/prod-${i}` },
    { Effect: "Allow", Action: ["ecs:Describe*", "ecs:List*"], Resource: `arn:aws:ecs:us-east-1:${account}:cluster/team-${i}`, Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } },
    i === policyCount - 1
      ? { Effect: "Allow", Action: "ecs:ListClusters", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": ["127.0.0.0/8", "::1/128"] } } }
      : { Effect: "Allow", Action: `ecr:BatchGetImage`, Resource: `arn:aws:ecr:us-east-1:${account}:repository/team-${i}/*` },
  ];
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

async function startServer(dataDir: string) {
  const child = spawn(process.execPath, [...(process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean), join(import.meta.dirname, "../src/cli/main.js"), "server", "--port", "0", "--data-dir", dataDir, "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /berth server (https?:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`berth server exited with ${code}: ${out}`)));
  });
  return { child, endpoint };
}

async function timed(client: ECSClient): Promise<number> {
  const t0 = process.hrtime.bigint();
  await client.send(new ListClustersCommand({}));
  return Number(process.hrtime.bigint() - t0) / 1000;
}

function benchUser(): IamUserPrincipal {
  return {
    kind: "user",
    accessKeyId: "AKIA",
    arn: `arn:aws:iam::${account}:user/bench`,
    userName: "bench",
    userId: "AIDA",
    tags: {},
    policies: policySet(Array.from({ length: policyCount }, (_, i) => compilePolicyText(`p${i}`, policyText(i), "identity"))),
  };
}

function inProcess(): number {
  const principal = benchUser();
  const facts = { sourceIp: "127.0.0.1", region: "us-east-1", nowMs: Date.now(), secure: false };
  const request = { action: "ecs:ListClusters", resource: "*" };
  const n = 20_000;
  for (let i = 0; i < 2000; i++) decide(principal, request, facts, account);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (decide(principal, request, facts, account).effect !== "allowed") throw new Error("the bench user must be allowed");
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

/** The JSON front door's authorization of ListClusters (aws-json/dispatcher.ts), as the server runs it for each request. */
function frontDoorStep(principal: Principal, nowMs: number): void {
  const partition = { accountId: account, region: "us-east-1" };
  const req = { remoteAddress: "::ffff:127.0.0.1", secure: false };
  const input = {};
  for (const resource of resourcesOf("ecs", "ListClusters", input, partition)) {
    const facts = requestFacts(req, partition.region, nowMs, () => serviceConditionKeys("ecs", input, resource, partition));
    authorize(principal, { action: "ecs:ListClusters", resource }, facts, account);
  }
}

/** µs per call of {@link frontDoorStep} for root and for the bench user: medians of interleaved rounds. */
function frontDoorInProcess(): { root: number; user: number } {
  const root = rootPrincipal({ accountId: account, region: "us-east-1" }, "AKIAROOT");
  const user = benchUser();
  const n = 5_000;
  const round = (p: Principal): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) frontDoorStep(p, 1_764_400_000_000 + i);
    return Number(process.hrtime.bigint() - t0) / 1000 / n;
  };
  for (let i = 0; i < 10; i++) round(i % 2 === 0 ? root : user);
  const roots: number[] = [];
  const users: number[] = [];
  for (let i = 0; i < 40; i++) {
    roots.push(round(root));
    users.push(round(user));
  }
  return { root: quantile(roots, 0.5), user: quantile(users, 0.5) };
}

async function main(): Promise<void> {
  if (process.env.IN_PROCESS_ONLY === "1") {
    const step = frontDoorInProcess();
    console.log(`in process, ${machineLine()}: decide() ${inProcess().toFixed(2)} µs; front door's authorization step: root ${step.root.toFixed(2)} µs, user ${step.user.toFixed(2)} µs, added ${(step.user - step.root).toFixed(2)} µs`);
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-iam-"));
  const { child, endpoint } = await startServer(dataDir);
  try {
    const rootKey = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
    const config = { endpoint, region: "us-east-1", maxAttempts: 1 };
    const iam = new IAMClient({ ...config, credentials: rootKey });
    await iam.send(new CreateUserCommand({ UserName: "bench" }));
    for (let i = 0; i < policyCount; i++) {
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: `bench-${i}`, PolicyDocument: policyText(i) }));
      await iam.send(new AttachUserPolicyCommand({ UserName: "bench", PolicyArn: Policy!.Arn! }));
    }
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: "bench" }));
    const root = new ECSClient({ ...config, credentials: rootKey });
    // SAME_KEY=1: both sides signed by the root key, the noise floor of the paired difference on a busy machine.
    const userKey = process.env.SAME_KEY === "1" ? rootKey : { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    const user = new ECSClient({ ...config, credentials: userKey });
    for (let i = 0; i < 500; i++) {
      await timed(root);
      await timed(user);
    }
    const asRoot: number[] = [];
    const asUser: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so that neither always follows the other.
      if (i % 2 === 0) {
        asRoot.push(await timed(root));
        asUser.push(await timed(user));
      } else {
        asUser.push(await timed(user));
        asRoot.push(await timed(root));
      }
    }
    const added = asUser.map((u, i) => u - asRoot[i]!);
    const row = (name: string, xs: number[]) => `| ${name} | ${quantile(xs, 0.5).toFixed(0)} | ${quantile(xs, 0.9).toFixed(0)} | ${quantile(xs, 0.99).toFixed(0)} |`;
    console.log(`ListClusters, ${runs} interleaved pairs, one server, ${machineLine()}`);
    console.log("| signed by | p50 µs | p90 µs | p99 µs |\n|---|---|---|---|");
    console.log(row("root key (no evaluation)", asRoot));
    console.log(row(process.env.SAME_KEY === "1" ? "root key again (SAME_KEY=1)" : `IAM user, ${policyCount} managed policies`, asUser));
    console.log(row("user − root (paired)", added));
    console.log(`p50(user) − p50(root): ${(quantile(asUser, 0.5) - quantile(asRoot, 0.5)).toFixed(1)} µs`);
    console.log(`decide() alone, in process, ${policyCount} policies / ${policyCount * 3} statements: ${inProcess().toFixed(2)} µs per call`);
    const step = frontDoorInProcess();
    console.log(`the front door's authorization step, in process: root ${step.root.toFixed(2)} µs, user ${step.user.toFixed(2)} µs, added ${(step.user - step.root).toFixed(2)} µs`);
    root.destroy();
    user.destroy();
    iam.destroy();
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
