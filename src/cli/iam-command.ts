import { Command } from "commander";
import type { ContextEntry, EvaluationResult } from "@aws-sdk/client-iam";
import { SimulatePrincipalPolicyCommand } from "../aws-sdk/iam.js";
import { defaultEndpoint, type ClientFlags } from "./client/ecs-client.js";
import { iamClientFor } from "./client/iam-client.js";
import { formatEvaluation } from "./client/simulation-output.js";

interface SimulateFlags extends ClientFlags {
  readonly principal: string;
  readonly action: string[];
  readonly resource: string[];
  readonly context: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `KEY=VALUE[,VALUE…]` as a context entry of the simulator. */
export function contextEntry(text: string): ContextEntry {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new Error(`--context ${text}: expected KEY=VALUE (e.g. aws:SourceIp=10.0.0.1)`);
  const values = text.slice(eq + 1).split(",");
  return { ContextKeyName: text.slice(0, eq), ContextKeyValues: values, ContextKeyType: values.length > 1 ? "stringList" : "string" };
}

/** `berth iam simulate`: asks IAM's SimulatePrincipalPolicy what a user's or role's policies decide, and says it in plain words. */
export function iamCommand(): Command {
  const iam = new Command("iam").description("IAM helpers");
  const simulate = new Command("simulate")
    .description("say whether a user, group or role may call an action on a resource, and which statement decided")
    .requiredOption("--principal <arn>", "the ARN of a user, group (its own policies) or role")
    .requiredOption("--action <action>", "an IAM action such as ecs:RunTask (repeatable)", collect, [])
    .option("--resource <arn>", "a resource ARN (repeatable; default *)", collect, [])
    .option("--context <key=value>", "a condition key's value, e.g. aws:SourceIp=10.0.0.1 (repeatable)", collect, [])
    .option("--endpoint-url <url>", `Berth's endpoint (env AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL; default ${defaultEndpoint})`)
    .option("--region <region>", "region (env AWS_REGION or AWS_DEFAULT_REGION; default us-east-1)")
    .option("--profile <name>", "profile of the shared credentials file (env AWS_PROFILE)");
  iam.addCommand(
    simulate.action(async (flags: SimulateFlags) => {
      const client = iamClientFor(flags, process.env);
      const results: EvaluationResult[] = [];
      let marker: string | undefined;
      do {
        const page = await client.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: flags.principal,
            ActionNames: flags.action,
            ...(flags.resource.length > 0 && { ResourceArns: flags.resource }),
            ...(flags.context.length > 0 && { ContextEntries: flags.context.map(contextEntry) }),
            ...(marker !== undefined && { Marker: marker }),
          }),
        );
        results.push(...(page.EvaluationResults ?? []));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker !== undefined);
      process.stdout.write(`${results.map((r) => formatEvaluation(r, flags.principal)).join("\n")}\n`);
    }),
  );
  return iam;
}
