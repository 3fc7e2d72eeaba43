import type { ContainerInstanceRecord } from "../domain/container-instance.js";
import type { ServiceRecord } from "../domain/service.js";
import type { Page, PageRequest, ReadTx, Store } from "./store.js";

/**
 * Every record of a per-cluster listing, cluster by cluster and page by page, each page in a read
 * of its own: what start-up scans (the hub, the controllers) walk without holding one long read.
 */
async function* acrossClusters<T>(store: Store, list: (tx: ReadTx, cluster: string, page: PageRequest) => Promise<Page<T>>): AsyncGenerator<T> {
  let after: string | undefined;
  do {
    const clusters = await store.read((tx) => tx.clusters.list({ limit: 100, after }));
    for (const cluster of clusters.items) {
      let cursor: string | undefined;
      do {
        const page = await store.read((tx) => list(tx, cluster.name, { limit: 500, after: cursor }));
        yield* page.items;
        cursor = page.nextAfter;
      } while (cursor);
    }
    after = clusters.nextAfter;
  } while (after);
}

export const allContainerInstances = (store: Store): AsyncGenerator<ContainerInstanceRecord> =>
  acrossClusters(store, (tx, cluster, page) => tx.containerInstances.list(cluster, page));

export const allServices = (store: Store): AsyncGenerator<ServiceRecord> => acrossClusters(store, (tx, cluster, page) => tx.services.list(cluster, page));
