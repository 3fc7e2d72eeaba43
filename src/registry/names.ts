/**
 * Repository names and tags: what ECR accepts. Validation returns a reason (data), never throws.
 */

/** One path component: lowercase alphanumerics joined by `.`, `_`, `__` or `-`. */
const component = "[a-z0-9]+(?:(?:\\.|_|__|-)[a-z0-9]+)*";
const repositoryNamePattern = new RegExp(`^(?:${component}/)*${component}$`);
/** The distribution spec's tag grammar; ECR allows the same characters, up to 300 of them for PutImage. */
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,299}$/;

/** Undefined when `name` is a valid ECR repository name, else why not (ECR's constraint wording). */
export function repositoryNameProblem(name: string): string | undefined {
  if (name.length < 2 || name.length > 256) return "Member must have length between 2 and 256";
  if (!repositoryNamePattern.test(name)) {
    return "Member must satisfy regular expression pattern: (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*";
  }
  return undefined;
}

export const isValidRepositoryName = (name: string): boolean => repositoryNameProblem(name) === undefined;

export const isValidTag = (tag: string): boolean => tagPattern.test(tag);
