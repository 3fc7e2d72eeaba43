import assert from "node:assert/strict";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { BerthServer } from "./berth-server.js";
import { awsAs, clients, type Creds } from "./iam-tools.js";
import { RegistryTools } from "./registry-tools.js";

const testImage = "berth-test:latest";

/** ECR's actions a `docker pull` needs on the repository. */
export const pullActions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];

/**
 * `docker tag` of the test image as `ref`, `docker push`, then `docker rmi`, so that the next pull
 * asks the registry. Asserts each step.
 */
export async function pushTestImage(tools: RegistryTools, ref: string): Promise<void> {
  await tools.tag(testImage, ref);
  const push = await tools.docker(["push", ref]);
  assert.equal(push.code, 0, push.stderr);
  assert.equal((await tools.docker(["rmi", ref])).code, 0);
}

/**
 * A real server whose us-east-1 registry holds `team/app:v1` (the test image, pushed by root and
 * removed locally again), and docker logged in as other callers: what the registry's IAM tests share.
 */
export class SeededRepository {
  private readonly toolsOf: RegistryTools[] = [];

  private constructor(
    readonly server: BerthServer,
    readonly account: string,
    /** Root's docker, logged in. */
    readonly root: RegistryTools,
  ) {}

  readonly repository = "team/app";
  get repoArn(): string {
    return `arn:aws:ecr:us-east-1:${this.account}:repository/${this.repository}`;
  }
  /** `<registry host>/team/app:v1`. */
  get ref(): string {
    return `${this.root.host}/${this.repository}:v1`;
  }

  static async start(): Promise<SeededRepository> {
    const server = await BerthServer.start();
    const account = (await clients(server).sts.send(new GetCallerIdentityCommand({}))).Account!;
    const created = await server.aws("ecr", "create-repository", "--repository-name", "team/app");
    assert.equal(created.code, 0, created.stderr);
    const root = new RegistryTools(server);
    const seeded = new SeededRepository(server, account, root);
    assert.equal((await root.login()).code, 0);
    await pushTestImage(root, seeded.ref);
    return seeded;
  }

  /** Docker tools that {@link stop} cleans up; `awsArgs` are global AWS CLI options (e.g. `--region`). */
  tools(awsArgs: readonly string[] = []): RegistryTools {
    const tools = new RegistryTools(this.server, awsArgs);
    this.toolsOf.push(tools);
    return tools;
  }

  /**
   * Docker logged in to the registry with a token that `creds` got from GetAuthorizationToken
   * (`awsArgs` before `ecr get-login-password`, e.g. `--region eu-west-1`); {@link ref} is tracked for clean-up.
   */
  async dockerAs(creds: Creds, ...awsArgs: string[]): Promise<RegistryTools> {
    const tools = this.tools();
    const password = await awsAs(this.server, creds, ...awsArgs, "ecr", "get-login-password");
    assert.equal(password.code, 0, password.stderr);
    const login = await tools.login(password.stdout.trim());
    assert.equal(login.code, 0, login.stderr);
    tools.track(this.ref);
    return tools;
  }

  async stop(): Promise<void> {
    for (const t of this.toolsOf) await t.cleanUp();
    await this.root.cleanUp();
    await this.server.stop();
  }
}
