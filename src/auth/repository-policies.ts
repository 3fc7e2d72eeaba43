import { ecrRepositoryArn, parseEcrRepositoryArn, type Partition } from "../domain/arn.js";
import { compileStoredPolicy, type ResourcePolicy } from "./policy/resource-policy.js";

/**
 * The compiled policies of one region's ECR repositories, for `authorize`: read from the registry's
 * metadata on first use and kept until {@link forget} (SetRepositoryPolicy, DeleteRepositoryPolicy,
 * DeleteRepository, a creation template: every write of a repository's policy). Only existing
 * repositories are remembered, so callers naming random repositories cannot grow it.
 */
export class RepositoryPolicies {
  private readonly cache = new Map<string, ResourcePolicy | undefined>();
  /** Bumped by every forget: a read that started before a change must not store what it read. */
  private generation = 0;

  constructor(
    private readonly partition: Partition,
    /** The repository's policy text (undefined when it has none) or `false` when the repository does not exist. */
    private readonly read: (repository: string) => Promise<string | undefined | false>,
  ) {}

  /** The policy of the repository `resource` names (an ECR repository ARN of this region and account), if any. */
  async forResource(resource: string): Promise<ResourcePolicy | undefined> {
    const parsed = parseEcrRepositoryArn(resource);
    if (!parsed || resource !== ecrRepositoryArn(this.partition, parsed.name)) return undefined;
    if (this.cache.has(parsed.name)) return this.cache.get(parsed.name);
    const generation = this.generation;
    const text = await this.read(parsed.name);
    if (text === false) return undefined;
    const policy = text === undefined ? undefined : compileStoredPolicy(resource, text);
    if (generation === this.generation) this.cache.set(parsed.name, policy);
    return policy;
  }

  forget(repository: string): void {
    this.generation++;
    this.cache.delete(repository);
  }
}
