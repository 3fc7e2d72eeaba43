import { compileStoredPolicy, type ResourcePolicy } from "../../auth/policy/resource-policy.js";
import { secretArnPrefix, type Partition } from "../../domain/arn.js";
import type { Store } from "../../state/store.js";

/** How many compiled policies are kept (by text): a region's distinct policies, many times over. */
const keptPolicies = 256;

/**
 * The resource policy of the secret `resource` names (a secret's full ARN in this region), for the
 * JSON front door's decisions, beside ECR's repository policies (regional-plane.ts). Read from the
 * store at each decision, never remembered: with a shared PostgreSQL store another replica may
 * change it at any time. What is remembered is the compiled form of a policy's text, which cannot
 * go stale.
 */
export function secretPolicies(store: Store, partition: Partition): (resource: string) => Promise<ResourcePolicy | undefined> {
  const compiled = new Map<string, ResourcePolicy>();
  return async (resource) => {
    if (!resource.startsWith(secretArnPrefix(partition))) return undefined;
    const text = (await store.read((tx) => tx.secrets.byArn(resource)))?.resourcePolicy;
    if (text === undefined) return undefined;
    let policy = compiled.get(text);
    if (policy === undefined) {
      if (compiled.size >= keptPolicies) compiled.delete(compiled.keys().next().value!);
      compiled.set(text, (policy = compileStoredPolicy(resource, text)));
    }
    return policy;
  };
}
