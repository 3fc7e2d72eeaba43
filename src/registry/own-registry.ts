import { ownRegistryTag } from "../domain/image-refs.js";
import type { RegistryMetadata } from "./metadata.js";

/** Berth's registry of one region as the service scheduler reads it (controller/services/image-pins.ts). */
export interface OwnRegistry {
  /** Whether the image is in this registry: named by one of its hosts, or by the ECR URI of its account and region. */
  has(image: string): boolean;
  /** The manifest digest the image's tag names now; undefined when it names none. */
  digest(image: string): Promise<string | undefined>;
}

export function ownRegistry(metadata: RegistryMetadata, own: { readonly hosts: () => readonly string[]; readonly accountId: string; readonly region: string }): OwnRegistry {
  const tagOf = (image: string) => ownRegistryTag(image, { hosts: own.hosts(), accountId: own.accountId, region: own.region });
  return {
    has: (image) => tagOf(image) !== undefined,
    digest: async (image) => {
      const t = tagOf(image);
      return t === undefined ? undefined : (await metadata.getManifest(t.repository, { tag: t.tag }))?.digest;
    },
  };
}
