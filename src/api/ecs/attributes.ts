import type { Attribute, DeleteAttributesRequest, ListAttributesRequest, PutAttributesRequest } from "@aws-sdk/client-ecs";
import { DeleteAttributesRequest$, ListAttributesRequest$, PutAttributesRequest$ } from "../../aws-sdk/ecs.js";
import type { Partition } from "../../domain/arn.js";
import type { ContainerInstanceRecord } from "../../domain/container-instance.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import type { WriteTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import { activeCluster } from "../../domain/lookups.js";
import type { EcsDeps } from "./deps.js";
import { instanceArnIn } from "./refs.js";
import { excerpt } from "../../observability/excerpt.js";

const maxCustomAttributes = 10;
const builtIn = (name: string): boolean => name.startsWith("ecs.") || name.startsWith("com.amazonaws.ecs.");

export function attributeOperations({ store }: EcsDeps): Record<string, Operation> {
  /** Applies `change` to each attribute's target instance, in one transaction. */
  const edit = async (
    input: { cluster?: string | undefined; attributes?: Attribute[] | undefined },
    partition: Partition,
    change: (current: readonly Attribute[], a: Attribute) => Attribute[],
  ) => {
    const attributes = (input.attributes ?? []).map(checkAttribute);
    if (attributes.length > 10) throw invalidParameter(`At most 10 attributes per call; got ${attributes.length}.`);
    await store.write(async (tx) => {
      const cluster = await activeCluster(tx, input.cluster);
      const touched = new Map<string, ContainerInstanceRecord>();
      for (const a of attributes) {
        const arn = instanceArnIn(partition, a.targetId ?? "", cluster.name);
        const current = touched.get(arn) ?? (await target(tx, arn, cluster.name));
        const next = change(current.attributes, a);
        if (next.filter((x) => !builtIn(x.name ?? "")).length > maxCustomAttributes) {
          throw new AwsError("AttributeLimitExceededException", `A container instance can have at most ${maxCustomAttributes} custom attributes.`);
        }
        touched.set(arn, { ...current, attributes: next });
      }
      // One save per instance, however many of its attributes changed: the version read, plus one.
      for (const r of touched.values()) await tx.containerInstances.put({ ...r, version: r.version + 1 });
    });
    return { attributes };
  };

  return {
    PutAttributes: operation<PutAttributesRequest>(PutAttributesRequest$, (input, ctx) =>
      edit(input, ctx.partition, (current, a) => [...current.filter((x) => x.name !== a.name), { name: a.name, value: a.value }]),
    ),

    DeleteAttributes: operation<DeleteAttributesRequest>(DeleteAttributesRequest$, (input, ctx) =>
      edit(input, ctx.partition, (current, a) => current.filter((x) => x.name !== a.name)),
    ),

    ListAttributes: operation<ListAttributesRequest>(ListAttributesRequest$, (input) =>
      store.read(async (tx) => {
        if (input.targetType !== "container-instance") throw invalidParameter("targetType must be container-instance.");
        const cluster = await activeCluster(tx, input.cluster);
        const { limit, after } = pageRequest(input);
        const all: Attribute[] = [];
        let cursor: string | undefined;
        do {
          const page = await tx.containerInstances.list(cluster.name, { limit: 100, after: cursor });
          for (const i of page.items) {
            if (i.status === "INACTIVE") continue;
            for (const a of i.attributes) {
              if (input.attributeName !== undefined && a.name !== input.attributeName) continue;
              if (input.attributeValue !== undefined && a.value !== input.attributeValue) continue;
              all.push({ name: a.name, value: a.value, targetType: "container-instance", targetId: i.arn });
            }
          }
          cursor = page.nextAfter;
        } while (cursor);
        const key = (a: Attribute) => `${a.targetId ?? ""}\u0000${a.name ?? ""}`;
        const rest = after === undefined ? all : all.filter((a) => key(a) > after);
        const items = rest.slice(0, limit);
        return { attributes: items, nextToken: rest.length > limit ? encodeToken(key(items[items.length - 1]!)) : undefined };
      }),
    ),
  };
}

async function target(tx: WriteTx, arn: string, cluster: string): Promise<ContainerInstanceRecord> {
  const record = await tx.containerInstances.get(arn);
  if (!record || record.cluster !== cluster || record.status === "INACTIVE") {
    throw new AwsError("TargetNotFoundException", `Could not find container instance ${excerpt(arn, 255)} in cluster ${excerpt(cluster, 255)}.`);
  }
  return record;
}

function checkAttribute(a: Attribute): Attribute {
  if (!a.name || !/^[A-Za-z0-9_./-]{1,128}$/.test(a.name)) {
    throw invalidParameter(`Attribute name '${excerpt(a.name, 128)}' is not valid: use 1–128 letters, numbers, hyphens, underscores, slashes and periods.`);
  }
  if (a.value !== undefined && !/^[A-Za-z0-9_.@/:()+=\- ]{1,128}$/.test(a.value)) {
    throw invalidParameter(`The value of attribute '${excerpt(a.name, 128)}' is not valid: use 1–128 letters, numbers and _.@/:()+=- or spaces.`);
  }
  if (a.targetType !== undefined && a.targetType !== "container-instance") {
    throw invalidParameter("targetType must be container-instance.");
  }
  if (!a.targetId) throw invalidParameter(`Attribute '${excerpt(a.name, 128)}' needs a targetId: the container instance it belongs to.`);
  return a;
}
