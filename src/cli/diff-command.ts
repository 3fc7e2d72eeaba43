import { Command } from "commander";
import { DescribeTaskDefinitionCommand } from "../aws-sdk/ecs.js";
import { ecsClientFor, withClientOptions } from "./client/ecs-client.js";
import { diffTaskDefinitions, formatChange } from "./client/task-definition-diff.js";

/** `berth diff FAMILY:REV FAMILY:REV`: what changed between two task definition revisions, field by field. */
export function diffCommand(): Command {
  const cmd = new Command("diff")
    .description("show what changed between two task definition revisions, field by field")
    .argument("<from>", "task definition: family:revision or ARN")
    .argument("<to>", "task definition: family:revision or ARN");
  return withClientOptions(cmd).action(async (from: string, to: string, flags: Record<string, string | undefined>) => {
    const ecs = ecsClientFor(flags, process.env);
    const [a, b] = await Promise.all(
      [from, to].map(async (ref) => {
        const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref }))).taskDefinition;
        if (td === undefined) throw new Error(`no task definition ${ref}`);
        return td;
      }),
    );
    const changes = diffTaskDefinitions(a!, b!);
    const title = `${a!.family}:${a!.revision} → ${b!.family}:${b!.revision}`;
    process.stdout.write(changes.length === 0 ? `${title}: no differences\n` : `${title}\n${changes.map(formatChange).join("\n")}\n`);
  });
}
