import { ecsDesiredCount, type ScalableTargetRecord } from "../../domain/autoscaling/records.js";
import { parseServiceResourceId } from "../../domain/autoscaling/resource-id.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ReadTx } from "../../state/store.js";
import { nextTokenAfter } from "../pagination.js";

export const validation = (message: string): AwsError => new AwsError("ValidationException", message);

/** The service namespace: Berth scales ECS services only. */
export function checkNamespace(ns: string | undefined): "ecs" {
  if (ns === "ecs") return ns;
  throw validation(`Unsupported service namespace '${excerpt(ns ?? "")}': Berth scales ECS services only (ServiceNamespace ecs).`);
}

export function checkDimension(dimension: string | undefined): string {
  if (dimension === ecsDesiredCount) return dimension;
  throw validation(`Unsupported scalable dimension '${excerpt(dimension ?? "")}' for service namespace ecs: use ${ecsDesiredCount}.`);
}

/** A resource id of an ECS service, `service/<cluster>/<service>`. */
export function checkResourceId(resourceId: string | undefined): { resourceId: string; cluster: string; service: string } {
  const parsed = parseServiceResourceId(resourceId ?? "");
  if (!parsed) throw validation(`Unsupported resource ID '${excerpt(resourceId ?? "")}' for service namespace ecs: it must be service/<cluster name>/<service name>.`);
  return { resourceId: resourceId!, ...parsed };
}

/** The target a policy or scheduled action applies to, or ObjectNotFoundException in AWS's words. */
export async function registeredTarget(tx: ReadTx, resourceId: string, dimension: string): Promise<ScalableTargetRecord> {
  const target = await tx.autoScaling.target(resourceId, dimension);
  if (!target) throw new AwsError("ObjectNotFoundException", `No scalable target registered for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${dimension}`);
  return target;
}

/** A policy's or scheduled action's name: 1 to 256 printable characters (a scheduled action's without ':', '/' or '|', as its model's pattern says). */
export function checkName(member: string, name: string | undefined, forbidden = ""): string {
  const ok = name !== undefined && name.length >= 1 && name.length <= 256 && !/\p{Cc}/u.test(name) && ![...forbidden].some((c) => name.includes(c));
  if (ok) return name;
  throw validation(`${member} must be 1 to 256 printable characters${forbidden ? ` without ${[...forbidden].map((c) => `'${c}'`).join(", ")}` : ""}.`);
}

/** A page of a list held in memory (Berth's lists are small): `MaxResults` 1–50, the token the last key shown. */
export function pageOf<T>(items: readonly T[], key: (t: T) => string, input: { MaxResults?: number | undefined; NextToken?: string | undefined }, maxLimit = 50): { page: T[]; next?: string | undefined } {
  const limit = input.MaxResults ?? maxLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw validation(`MaxResults must be from 1 to ${maxLimit}; got ${limit}.`);
  let after: string | undefined;
  try {
    after = nextTokenAfter(input.NextToken);
  } catch {
    throw new AwsError("InvalidNextTokenException", "The NextToken is not valid: pass the NextToken of a previous response unchanged.");
  }
  const rest = after === undefined ? items : items.filter((t) => key(t) > after);
  const page = rest.slice(0, limit);
  return { page, next: rest.length > limit ? key(page[page.length - 1]!) : undefined };
}
