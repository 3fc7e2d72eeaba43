import assert from "node:assert/strict";
import { it } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerDefinition, RegisterContainerInstanceRequest, RegisterTaskDefinitionRequest, Resource } from "@aws-sdk/client-ecs";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import { pino } from "pino";
import { Authenticator } from "../auth/authenticator.js";
import { RefusalLog } from "../observability/refusal-log.js";
import { PlacementIndex } from "../planner/placement-index.js";
import { Planner } from "../planner/planner.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import type { Store } from "../state/store.js";
import { createJsonDispatcher } from "./aws-json/dispatcher.js";
import type { JsonService } from "./aws-json/service.js";
import { ecsService } from "./ecs/service.js";
import type { HttpRequest, HttpResponse } from "./http-types.js";

/** Test fixtures for the front doors: a key, a clock, a silent logger and SDK-style signed requests. */
export const testKey = { accessKeyId: "AKIATESTTESTTESTTEST", secretAccessKey: "secret/secret+secret" };
export const testNow = Date.UTC(2026, 10, 29, 12, 0, 0);
export const testPartition = { region: "us-east-1", accountId: "123456789012" };
const logger = pino({ level: "silent" });
export const frontDoorOptions = {
  authenticator: new Authenticator({ rootKey: testKey, partition: testPartition, agentCredential: () => Promise.resolve(undefined) }),
  partition: testPartition,
  now: () => testNow,
  logger,
  refusals: new RefusalLog({ logger, intervalMs: 60_000 }),
};

/** A request signed the way the AWS SDKs sign it, in the shape the front doors receive. */
export async function signedRequest(req: {
  readonly service: string;
  readonly path?: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
  /** When the request is signed: the fixtures' clock unless a test moves its own. */
  readonly atMs?: number;
}): Promise<HttpRequest> {
  const signer = new SignatureV4({ credentials: testKey, region: testPartition.region, service: req.service, sha256: Hash.bind(null, "sha256") });
  const path = req.path ?? "/";
  const signed = await signer.sign(
    { method: "POST", protocol: "http:", hostname: "127.0.0.1", port: 4400, path, headers: { host: "127.0.0.1:4400", ...req.headers }, body: req.body },
    { signingDate: new Date(req.atMs ?? testNow) },
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: "POST", path, query: {}, headers, body: typeof req.body === "string" ? Buffer.from(req.body) : req.body };
}

/** What a JSON front door answered: the status, the error type header, and the body parsed. */
export interface JsonAnswer {
  readonly status: number;
  readonly errorType: string | undefined;
  readonly body: Record<string, unknown>;
}

/** An AWS JSON 1.1 request for `<targetPrefix>.<op>`, signed for `signingName` as the SDKs sign it. */
export function signedJsonRequest(target: { readonly targetPrefix: string; readonly signingName: string }, op: string, input: object, atMs?: number): Promise<HttpRequest> {
  return signedRequest({
    service: target.signingName,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `${target.targetPrefix}.${op}` },
    body: JSON.stringify(input),
    atMs,
  });
}

/** The response of a JSON front door as a test reads it. */
export function jsonAnswer(res: HttpResponse): JsonAnswer {
  const parsed: unknown = JSON.parse(Buffer.from(res.body).toString("utf8"));
  const errorType = res.headers["x-amzn-errortype"];
  return {
    status: res.status,
    errorType: typeof errorType === "string" ? errorType : undefined,
    body: isRecord(parsed) ? parsed : { value: parsed },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Amazon ECS in process (with `more` services of the JSON front door on the same store), as `berth server` assembles it but without a socket: a SQLite store in a
 * temporary directory, the real operation table behind the real JSON front door (SigV4, shape
 * validation, authorization, error shapes), called with signed requests.
 */
export interface InProcessEcs {
  /** What the front door answers to `op` with `input`, as it would go on the wire. */
  call(op: string, input: object): Promise<JsonAnswer>;
  /** The front door itself, for requests `call` would not make (unsigned, tampered). */
  dispatch(req: HttpRequest): Promise<HttpResponse>;
  /** A signed ECS request for `op`, to alter before `dispatch`. */
  request(op: string, input: object): Promise<HttpRequest>;
  /**
   * An operation that must succeed: its output, typed as the SDK's output `O` for the reader (the
   * test's assertions are what check it; timestamps are epoch seconds, as on the wire). Anything
   * but a 200 throws, quoting the error.
   */
  send<O>(op: string, input: object): Promise<O>;
  /** The store behind it, for what no ECS call sets up (IAM roles). */
  readonly store: Store;
  /**
   * Records the instance's agent as connected, as the agent hub does when its channel opens (there
   * is no hub here): placement only considers instances whose agent is connected.
   */
  connectAgent(containerInstanceArn: string): Promise<void>;
  close(): Promise<void>;
}

const ecsTarget = { targetPrefix: "AmazonEC2ContainerServiceV20141113", signingName: "ecs" };

export function startInProcessEcs(more: (store: Store) => readonly JsonService[] = () => []): InProcessEcs {
  const dir = mkdtempSync(join(tmpdir(), "berth-ecs-api-"));
  const store = new SqliteStore({ path: join(dir, "berth.db") });
  // Placement ties are broken by randomness: a fixed value keeps every run the same.
  const index = new PlacementIndex(store, (err) => {
    throw err;
  });
  const ecs = ecsService({ store, random: () => 0.5, planner: new Planner(index, () => 0.5), endpoint: () => "http://127.0.0.1:4400" });
  const dispatch = createJsonDispatcher({ services: [ecs, ...more(store)], ...frontDoorOptions });
  const call = async (op: string, input: object) => jsonAnswer(await dispatch(await signedJsonRequest(ecsTarget, op, input)));
  return {
    call,
    dispatch,
    store,
    request: (op, input) => signedJsonRequest(ecsTarget, op, input),
    async send<O>(op: string, input: object): Promise<O> {
      const answer = await call(op, input);
      if (answer.status !== 200) throw new Error(`${op} answered ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body as O;
    },
    async connectAgent(arn) {
      await store.write(async (tx) => {
        const current = await tx.containerInstances.get(arn);
        if (!current) throw new Error(`no container instance ${arn}`);
        await tx.containerInstances.put({ ...current, agentConnected: true, version: current.version + 1 });
      });
    },
    async close() {
      index.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A container definition that runs `berth-test`; override what the case is about. */
export function aContainerDefinition(overrides: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return { name: "app", image: "berth-test", cpu: 128, memory: 256, essential: true, ...overrides };
}

/** A one-container task definition of family `web`; override what the case is about. */
export function aTaskDefinition(overrides: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest {
  return { family: "web", containerDefinitions: [aContainerDefinition()], ...overrides };
}

/** The resources an agent registers: CPU and MEMORY as integers, reserved ports as string sets. */
export function instanceResources(r: { readonly cpu: number; readonly memory: number; readonly ports?: readonly number[] }): Resource[] {
  return [
    { name: "CPU", type: "INTEGER", integerValue: r.cpu },
    { name: "MEMORY", type: "INTEGER", integerValue: r.memory },
    { name: "PORTS", type: "STRINGSET", stringSetValue: (r.ports ?? [22]).map(String) },
    { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: [] },
  ];
}

/** A RegisterContainerInstance call as an agent makes it, with 1024 CPU units and 2048 MiB unless overridden. */
export function anInstanceRegistration(
  overrides: Partial<RegisterContainerInstanceRequest> & { readonly cpu?: number; readonly memory?: number } = {},
): RegisterContainerInstanceRequest {
  const { cpu = 1024, memory = 2048, ...rest } = overrides;
  return { totalResources: instanceResources({ cpu, memory }), versionInfo: { agentVersion: "1.0.0" }, ...rest };
}

/** A request ECS refuses, and how: `status` is 400 unless given; `setup` runs first. */
export interface Refusal {
  readonly what: string;
  readonly op: string;
  readonly input: object;
  readonly type: string;
  readonly message: RegExp;
  readonly status?: number;
  readonly setup?: () => Promise<unknown>;
}

/**
 * One test per refusal: the status, `x-amzn-errortype`, and a body of exactly `{__type, message}`
 * whose message matches. `ecs` is read when each test runs (it is started in a `before`).
 */
export function itRefuses(ecs: () => InProcessEcs, refusals: readonly Refusal[]): void {
  for (const r of refusals) {
    const status = r.status ?? 400;
    it(`answers ${r.what} with ${status} ${r.type}`, async () => {
      await r.setup?.();
      const answer = await ecs().call(r.op, r.input);
      assert.deepEqual([answer.status, answer.body.__type, answer.errorType], [status, r.type, r.type], JSON.stringify(answer.body));
      assert.deepEqual(Object.keys(answer.body).sort(), ["__type", "message"]);
      assert.match(String(answer.body.message), r.message);
    });
  }
}
