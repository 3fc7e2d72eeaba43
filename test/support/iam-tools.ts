import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ECRClient } from "@aws-sdk/client-ecr";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { awsCli, type BerthServer } from "./berth-server.js";
import { testSdkRetry } from "./sdk-retry.js";

const run = promisify(execFile);

/** Credentials of anyone: root's, an IAM user's access key, or an assumed role's session. */
export interface Creds {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

const config = (server: BerthServer, credentials: Creds) => ({ endpoint: server.endpoint, region: "us-east-1", credentials, ...testSdkRetry });

/** The official SDK v3 clients pointed at `server`, signing as `creds` (root's when absent). */
export const clients = (server: BerthServer, creds: Creds = server.accessKey) => ({
  iam: new IAMClient(config(server, creds)),
  sts: new STSClient(config(server, creds)),
  ecs: new ECSClient(config(server, creds)),
  ecr: new ECRClient(config(server, creds)),
});

/** The real AWS CLI against `server`, signing as `creds`; never throws for a non-zero exit. */
export async function awsAs(server: BerthServer, creds: Creds, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_PAGER: "",
  };
  delete env.AWS_PROFILE;
  if (creds.sessionToken !== undefined) env.AWS_SESSION_TOKEN = creds.sessionToken;
  else delete env.AWS_SESSION_TOKEN;
  try {
    const { stdout, stderr } = await run(awsCli, ["--endpoint-url", server.endpoint, "--region", "us-east-1", "--output", "json", ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/** A policy document's text from its statements. */
export const policyDoc = (...statements: object[]): string => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** Creates user `name` with inline policies and returns its access key. */
export async function userWithPolicies(server: BerthServer, name: string, policies: Record<string, string>, tags: { Key: string; Value: string }[] = []): Promise<Creds> {
  const { iam } = clients(server);
  await iam.send(new CreateUserCommand({ UserName: name, Tags: tags }));
  for (const [policyName, doc] of Object.entries(policies)) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: policyName, PolicyDocument: doc }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}
