import type { Change } from "./changes.js";
import type { ReadTx } from "./store.js";

/** A logged change's record as its table holds it now; undefined once it is gone (a purged task). */
export type ReadBack = (kind: Change["kind"], key: string) => Promise<Change | undefined>;

/**
 * A logged change's record as the store holds it now, by the kind and key its log row names (a
 * cluster's name, an ARN, `cluster/name` for a service); undefined once it is gone (a purged task).
 * Both stores' change tables read back through it.
 */
export async function readBack(tx: ReadTx, kind: Change["kind"], key: string): Promise<Change | undefined> {
  if (kind === "cluster") return wrap(kind, await tx.clusters.get(key));
  if (kind === "instance") return wrap(kind, await tx.containerInstances.get(key));
  if (kind === "task") return wrap(kind, await tx.tasks.get(key));
  const slash = key.indexOf("/");
  return wrap(kind, await tx.services.get(key.slice(0, slash), key.slice(slash + 1)));
}

const wrap = <K extends Change["kind"]>(kind: K, record: Extract<Change, { kind: K }>["record"] | undefined): Change | undefined =>
  record === undefined ? undefined : ({ kind, record } as Change);
