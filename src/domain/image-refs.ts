/**
 * Image references as task definitions name them, where the control plane and the agent must read
 * them alike: an Amazon ECR URI (`<account>.dkr.ecr.<region>.amazonaws.com/<path>`), and a path's
 * repository and tag. Berth's registry is the ECR of its account and region (agent/ecr-images.ts).
 */

const ecrUri = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/;

/** An Amazon ECR image URI's account, region and path (`name[:tag|@digest]`); undefined for any other image. */
export function parseEcrUri(image: string): { readonly account: string; readonly region: string; readonly path: string } | undefined {
  const m = ecrUri.exec(image);
  return m === null ? undefined : { account: m[1]!, region: m[2]!, path: m[3]! };
}

/** An image reference's repository: without its tag or digest (a registry's port is no tag). */
export function repositoryOf(image: string): string {
  const named = image.split("@")[0]!;
  const colon = named.lastIndexOf(":");
  return colon > named.lastIndexOf("/") ? named.slice(0, colon) : named;
}

/** A path `name[:tag]` as its repository and tag (`latest` when none); undefined when it names a digest. */
export function repositoryTag(path: string): { readonly repository: string; readonly tag: string } | undefined {
  if (path.includes("@")) return undefined;
  const repository = repositoryOf(path);
  return { repository, tag: repository === path ? "latest" : path.slice(repository.length + 1) };
}

/**
 * The repository and tag of an image in Berth's registry of this region: named by one of the
 * registry's hosts (`host:port/<path>`) or by the ECR URI of its account and region. Undefined for
 * any other registry, and for an image named by digest.
 */
export function ownRegistryTag(
  image: string,
  own: { readonly hosts: readonly string[]; readonly accountId: string; readonly region: string },
): { readonly repository: string; readonly tag: string } | undefined {
  const ecr = parseEcrUri(image);
  if (ecr !== undefined) return ecr.account === own.accountId && ecr.region === own.region ? repositoryTag(ecr.path) : undefined;
  const slash = image.indexOf("/");
  return slash > 0 && own.hosts.includes(image.slice(0, slash)) ? repositoryTag(image.slice(slash + 1)) : undefined;
}
