import type { JsonService } from "../src/api/aws-json/service.js";
import type { EcrDeps } from "../src/api/ecr/deps.js";
import { ecrService } from "../src/api/ecr/service.js";
import type { EcsDeps } from "../src/api/ecs/deps.js";
import { ecsService } from "../src/api/ecs/service.js";
import { sdkModel, type SdkModel } from "../src/api/sdk-model.js";
import type { SsmDeps } from "../src/api/ssm/deps.js";
import { ssmService } from "../src/api/ssm/service.js";
import type { SecretsManagerDeps } from "../src/api/secretsmanager/deps.js";
import { secretsManagerService } from "../src/api/secretsmanager/service.js";

/** Where the page lives, from the repository's root. */
export const compatibilityPagePath = "docs/compatibility.md";

/** One service on the page: its AWS SDK model and Berth's operation table for it. */
export interface ServiceOnPage {
  readonly title: string;
  readonly model: SdkModel;
  readonly table: JsonService;
  /** Where the table is, from the repository's root. */
  readonly source: string;
  /** What a client may find different from AWS in the operations Berth serves, one point a line. */
  readonly notes?: readonly string[];
}

/** What a client may find different from AWS's ECS in the operations Berth serves. */
const ecsNotes: readonly string[] = [
  "RegisterTaskDefinition takes a role's name or ARN for `taskRoleArn` and `executionRoleArn` (stored as the ARN); RunTask's and StartTask's `overrides` take an ARN only, as the API reference documents TaskOverride, and a name there is refused (`ClientException`, naming the ARN to give).",
  "A task whose secrets cannot be read stops with `TaskFailedToStart` and the ECS agent's `ResourceInitializationError: unable to pull secrets or registry auth: …` reason, made as the agent makes it: one failing resource's reason (SSM's, else Secrets Manager's, else `repositoryCredentials`'; the agent keeps whichever failed first in time), every failed Secrets Manager secret named and joined with `;`, cut to 1024 bytes.",
  "`logConfiguration.secretOptions` are options of the log driver like the others; for `awslogs` (the agent's own shipping) they name the group's creation and the stream the lines go to, as ECS hands them to Docker's awslogs driver. `awslogs-group` and `awslogs-region` must be among `options`.",
];

/** Parameter Store as Berth keeps it: where it differs from AWS's. */
const parameterStoreNotes = [
  "Berth offers Parameter Store only; Systems Manager's other operations answer `UnknownOperationException`.",
  "Berth has no KMS. A SecureString's `KeyId` (default `alias/aws/ssm`) is recorded and answered back, not used: the value is sealed at rest with the server's own key (`<data-dir>/iam-key`, AES-256-GCM), and without `WithDecryption` the answer's `Value` is that sealed text in base64, as AWS answers its ciphertext.",
  "`DataType` `text` only: `aws:ec2:image` and AWS's other data types are validated against resources Berth does not have, and are refused (`ValidationException`). Parameter policies are refused (`InvalidPolicyTypeException`).",
  "`AllowedPattern` must match the whole value, as AWS's Java patterns do, in JavaScript's syntax; a pattern that runs over 100 ms against a value is refused (`InvalidAllowedPatternException`).",
  "A name's ARN is `arn:aws:ssm:<region>:<account>:parameter/<name without its leading />`, so `x` and `/x` share one; a call naming a parameter by such an ARN finds `x`, else `/x`. A name without `/` lives at the root: `GetParametersByPath` with the path `/` lists it.",
  "A name longer than its ARN's 1011 characters allow, or a path under `/aws`, is refused as AWS refuses it; `AccessDeniedException` comes with status 403 here (AWS: 400).",
  "`GetParametersByPath` and `DescribeParameters` read at most 2,000 parameters a call: a filter that matches few of many may answer a short page with a `NextToken`, as AWS does.",
  "`DescribeParameters` with `Shared` lists nothing: a Berth server has one account.",
];

/** What Berth's Secrets Manager does differently from AWS's, for the page. */
const secretsManagerNotes: readonly string[] = [
  "Each region has its own secrets (one store per region); nothing is replicated: CreateSecret's `AddReplicaRegions` is refused with `InvalidRequestException`, as are the replication operations.",
  "Berth has no KMS. `KmsKeyId` is recorded and answered (DescribeSecret's `KmsKeyId`, ListSecretVersionIds' `KmsKeyIds`, `DefaultEncryptionKey` when none was named), but every value is sealed with the server's own key (AES-256-GCM, `<data-dir>/iam-key`, apart from the database), whichever key is named, and no `kms:Decrypt` permission is asked for. A value the server's key does not open answers `DecryptionFailure`.",
  "Rotation runs AWS Lambda functions, which Berth does not have: RotateSecret and CancelRotateSecret are refused; put new values with PutSecretValue or UpdateSecret (staging labels move as with AWS).",
  "A secret keeps at most 100 versions: past that, its oldest versions without a staging label are dropped at once (AWS also keeps every version of the last 24 hours).",
  "A secret whose recovery window has ended is gone for every call at once; a sweep each minute removes it and its values from the store.",
  "IAM: every call is authorized on the secret's full ARN, whichever form of `SecretId` names it; CreateSecret on `arn:aws:secretsmanager:<region>:<account>:secret:<name>-??????` (the suffix is not drawn yet); ListSecrets, GetRandomPassword and BatchGetSecretValue on `*` (BatchGetSecretValue then needs `GetSecretValue` on each secret, else that secret is an `AccessDeniedException` entry of `Errors`). A secret's resource policy is enforced within the account, as ECR repositories' are.",
  "ListSecrets' filters: `name`, `tag-key`, `tag-value` and `primary-region` match prefixes (case-sensitive); `description` and `all` match words (each word of the value starts a word of the attribute, in any case); `owning-service` matches nothing; a filter's values are alternatives, and a value starting with `!` excludes what it matches. Listings are consistent at once (AWS's may lag by minutes).",
  "PutResourcePolicy's `BlockPublicPolicy` refuses an Allow statement for every principal (`\"*\"`, or `NotPrincipal`) that no Condition narrows; ValidateResourcePolicy checks the policy as Berth enforces it and answers `MalformedPolicyDocumentException` for one it cannot read.",
  "Managed external secrets (`Type`) are refused with `InvalidParameterException`.",
];

/** Berth's operation tables, built for their names and refusals only: no handler is called. */
export function servicesOnPage(): ServiceOnPage[] {
  const unused = {};
  return [
    { title: "Amazon ECS", model: sdkModel("@aws-sdk/client-ecs"), table: ecsService(unused as EcsDeps), source: "src/api/ecs/service.ts", notes: ecsNotes },
    { title: "Amazon ECR", model: sdkModel("@aws-sdk/client-ecr"), table: ecrService(unused as EcrDeps), source: "src/api/ecr/service.ts" },
    { title: "AWS Systems Manager Parameter Store", model: sdkModel("@aws-sdk/client-ssm"), table: ssmService(unused as SsmDeps), source: "src/api/ssm/service.ts", notes: parameterStoreNotes },
    { title: "AWS Secrets Manager", model: sdkModel("@aws-sdk/client-secrets-manager"), table: secretsManagerService(unused as SecretsManagerDeps), source: "src/api/secretsmanager/service.ts", notes: secretsManagerNotes },
  ];
}

export type OperationStatus = "implemented" | "not yet" | "refused";

/** What Berth does with one operation of the model, as the page states it. */
export function operationStatus(table: JsonService, operation: string): { status: OperationStatus; answer: string; why: string } {
  const op = Object.hasOwn(table.operations, operation) ? table.operations[operation] : undefined;
  if (!op) return { status: "not yet", answer: "`UnknownOperationException`", why: "" };
  if (!op.refusal) return { status: "implemented", answer: "", why: "" };
  return { status: op.refusal.kind === "refused" ? "refused" : "not yet", answer: `\`${op.refusal.code}\``, why: op.refusal.reason };
}

/** The page, from the SDK models and the operation tables: every operation of each model, once. */
export function compatibilityPage(services: readonly ServiceOnPage[] = servicesOnPage()): string {
  const lines = [
    "# API compatibility",
    "",
    `Generated by \`npm run compat\` from ${services.map((s) => `\`${s.model.packageName}\` ${s.model.version}`).join(", ")} and`,
    `Berth's operation tables (${services.map((s) => `\`${s.source}\``).join(", ")}); do not edit it by hand.`,
    "`test/compatibility-page.test.ts` fails when an SDK update brings an operation this page does not",
    "list, or when a status here disagrees with the tables.",
    "",
    "- **implemented**: Berth serves the operation.",
    "- **not yet**: Berth means to offer it; until then it answers with the error shown, and says so.",
    "- **refused**: it means nothing on machines you own; Berth answers with the error shown, and says why.",
  ];
  for (const { title, model, table, notes = [] } of services) {
    const rows = model.operations.map((op) => ({ op, ...operationStatus(table, op) }));
    const count = (status: OperationStatus) => rows.filter((r) => r.status === status).length;
    lines.push(
      "",
      `## ${title}`,
      "",
      `${rows.length} operations: ${count("implemented")} implemented, ${count("not yet")} not yet, ${count("refused")} refused.`,
      "",
      ...notes.flatMap((n) => [`- ${n}`]),
      ...(notes.length > 0 ? [""] : []),
      "| operation | in Berth | answer | why |",
      "|---|---|---|---|",
      ...rows.map((r) => `| ${r.op} | ${r.status} | ${r.answer} | ${r.why} |`),
    );
  }
  return lines.join("\n") + "\n";
}
