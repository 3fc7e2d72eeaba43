import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { elbResourceType } from "../../domain/load-balancing/arns.js";
import type { ReadTx, WriteTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import type { Elbv2Deps } from "./deps.js";
import { optList, optString, optStrings, reqString, validation, type Params } from "./params.js";

/** Tags on load balancers, target groups, listeners and rules (AddTags, RemoveTags, DescribeTags). */

const maxTags = 50;

export function parseTags(p: Params): { key: string; value: string }[] {
  const tags = (optList(p, "Tags") ?? []).map((t) => ({ key: reqString(t, "Key"), value: optString(t, "Value") ?? "" }));
  const keys = new Set<string>();
  for (const t of tags) {
    if (t.key.length > 128 || t.value.length > 256) throw validation(`Tag '${excerpt(t.key, 40)}' is too long: keys up to 128 characters, values up to 256.`);
    if (t.key.startsWith("aws:")) throw validation("Tag keys starting with 'aws:' are reserved.");
    if (keys.has(t.key)) throw new AwsError("DuplicateTagKeys", `Tag key '${excerpt(t.key, 40)}' is duplicated`);
    keys.add(t.key);
  }
  return tags;
}

export async function saveTags(tx: WriteTx, arn: string, tags: readonly { key: string; value: string }[]): Promise<void> {
  if (tags.length === 0) return;
  const existing = await tx.tags.list(arn);
  const keys = new Set([...existing.map((t) => t.key), ...tags.map((t) => t.key)]);
  if (keys.size > maxTags) throw new AwsError("TooManyTags", `The quota for the number of tags per resource (${maxTags}) would be exceeded`);
  await tx.tags.put(arn, tags);
}

async function mustExist(tx: ReadTx, arn: string): Promise<void> {
  const type = elbResourceType(arn);
  const found =
    type === "loadbalancer" ? await tx.loadBalancing.loadBalancer(arn)
    : type === "targetgroup" ? await tx.loadBalancing.targetGroup(arn)
    : type === "listener" ? await tx.loadBalancing.listener(arn)
    : type === "listener-rule" ? await tx.loadBalancing.rule(arn)
    : undefined;
  if (found) return;
  if (type === "targetgroup") throw new AwsError("TargetGroupNotFound", `Target group '${excerpt(arn)}' not found`);
  if (type === "listener") throw new AwsError("ListenerNotFound", `Listener '${excerpt(arn)}' not found`);
  if (type === "listener-rule") throw new AwsError("RuleNotFound", `Rule '${excerpt(arn)}' not found`);
  throw new AwsError("LoadBalancerNotFound", `Load balancer '${excerpt(arn)}' not found`);
}

export function tagOperations({ store }: Elbv2Deps): Record<string, QueryOperation> {
  const arnsOf = (p: Params): string[] => {
    const arns = optStrings(p, "ResourceArns") ?? [];
    if (arns.length === 0) throw validation("ResourceArns must name at least one resource.");
    if (arns.length > 20) throw validation("ResourceArns can name at most 20 resources.");
    return arns;
  };
  return {
    AddTags: {
      async handle(p) {
        const arns = arnsOf(p);
        const tags = parseTags(p);
        if (tags.length === 0) throw validation("Tags must name at least one tag.");
        await store.write(async (tx) => {
          for (const arn of arns) {
            await mustExist(tx, arn);
            await saveTags(tx, arn, tags);
          }
        });
        return {};
      },
    },
    RemoveTags: {
      async handle(p) {
        const arns = arnsOf(p);
        const keys = optStrings(p, "TagKeys") ?? [];
        if (keys.length === 0) throw validation("TagKeys must name at least one key.");
        await store.write(async (tx) => {
          for (const arn of arns) {
            await mustExist(tx, arn);
            await tx.tags.remove(arn, keys);
          }
        });
        return {};
      },
    },
    DescribeTags: {
      async handle(p) {
        const arns = arnsOf(p);
        const descriptions = await store.read((tx) =>
          Promise.all(
            arns.map(async (arn) => {
              await mustExist(tx, arn);
              return { ResourceArn: arn, Tags: (await tx.tags.list(arn)).map((t) => ({ Key: t.key, Value: t.value })) };
            }),
          ),
        );
        return { TagDescriptions: descriptions };
      },
    },
  };
}
