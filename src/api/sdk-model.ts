import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * What the AWS SDK v3 package of a service publishes about its API, read from the package itself:
 * its operations (the operation schemas it exports), its exceptions with their HTTP statuses (the
 * error schemas: `httpError`, else 400 for client faults and 500 for server faults) and, per
 * operation, the exceptions the model declares (the command's `@throws`). Used by the tests that hold
 * Berth's operation tables and error catalogs to the models, and by `npm run compat`.
 */
export interface SdkModel {
  readonly packageName: SdkPackage;
  readonly version: string;
  /** Operation names, sorted. */
  readonly operations: readonly string[];
  /** Exception name → HTTP status. */
  readonly exceptions: ReadonlyMap<string, number>;
  /** The exceptions the model declares for `operation`. */
  declaredErrors(operation: string): string[];
}

export type SdkPackage =
  | "@aws-sdk/client-ecs"
  | "@aws-sdk/client-ecr"
  | "@aws-sdk/client-eventbridge"
  | "@aws-sdk/client-cloudwatch-logs"
  | "@aws-sdk/client-scheduler"
  | "@aws-sdk/client-application-auto-scaling"
  | "@aws-sdk/client-ssm"
  | "@aws-sdk/client-secrets-manager";

const require = createRequire(import.meta.url);

export function sdkModel(packageName: SdkPackage): SdkModel {
  const exports = require(packageName) as Record<string, unknown>;
  const root = dirname(dirname(require.resolve(packageName)));
  const manifest: unknown = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const version = typeof manifest === "object" && manifest !== null && "version" in manifest && typeof manifest.version === "string" ? manifest.version : "unknown";
  const operations: string[] = [];
  const exceptions = new Map<string, number>();
  for (const value of Object.values(exports)) {
    if (!Array.isArray(value)) continue;
    const [kind, namespace, name, traits] = value as unknown[];
    if (typeof namespace !== "string" || typeof name !== "string" || !namespace.startsWith("com.amazonaws.")) continue;
    if (kind === 9) operations.push(name);
    if (kind === -3) exceptions.set(name, httpStatus(traits));
  }
  operations.sort();
  return {
    packageName,
    version,
    operations,
    exceptions,
    declaredErrors: (operation) => {
      const typings = readFileSync(join(root, "dist-types", "commands", `${operation}Command.d.ts`), "utf8");
      return [...typings.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]!).filter((name) => exceptions.has(name));
    },
  };
}

function httpStatus(traits: unknown): number {
  if (typeof traits !== "object" || traits === null) return 400;
  const t = traits as { httpError?: unknown; error?: unknown };
  if (typeof t.httpError === "number") return t.httpError;
  return t.error === "server" ? 500 : 400;
}
