// Type-aware lint: floating promises and the layer rule that keeps decision code pure.
// Import cycles are checked by madge (npm run lint).
import tseslint from "typescript-eslint";

const changeLogInternals = [{ group: ["**/state/change-log.js", "**/state/sqlite/change-table.js"], message: "Only the store appends changes; subscribe through Store.changes." }];
// The web console (src/console) is a client of the public API: it imports the SDK's clients of the
// APIs it shows (ECS; ELBv2, CloudWatch and Application Auto Scaling for a service's health, metrics
// and scaling), lit-html and its own files, and no server code imports it.
const consoleCode = { group: ["**/console/*", "**/console/**"], message: "src/console is the browser's code: the server talks to it only through /console's files and the public API." };
const consoleClients = "@aws-sdk/client-(ecs|elastic-load-balancing-v2|cloudwatch|application-auto-scaling)$";
const consolePackages = { regex: `^(?!\\.{1,2}/|${consoleClients}|lit-html$)`, message: "The console imports only the SDK's ECS, ELBv2, CloudWatch and Application Auto Scaling clients, lit-html and its own files." };
/** The console's imports at `depth` folders below src/console: none may climb out of it. */
const consoleImports = (depth, packages = consolePackages) => ({
  "no-restricted-imports": ["error", { patterns: [packages, { regex: `^(\\.\\./){${depth + 1},}`, message: "The console imports no server code: only its own files." }] }],
});
// Its pure modules' tests run in node: they may import node's test runner and assert too.
const consoleTestPackages = { ...consolePackages, regex: `^(?!\\.{1,2}/|${consoleClients}|lit-html$|node:test$|node:assert/strict$)` };
const ioModules = ["node:fs", "node:fs/promises", "node:http", "node:net", "node:child_process", "better-sqlite3", "pg", "dockerode", "ws"];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "eslint.config.js"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "suite", "before", "after"] }] },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/scheduler/**/*.ts", "src/controller/**/*.ts", "src/domain/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { paths: ioModules, patterns: [...changeLogInternals, consoleCode] }] },
  },
  // Only the store appends to the change log: everyone else reads it through Store.changes.
  {
    files: ["src/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    ignores: ["src/state/**", "src/scheduler/**", "src/controller/**", "src/domain/**", "src/console/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [...changeLogInternals, consoleCode] }] },
  },
  { files: ["src/console/*.ts"], rules: consoleImports(0) },
  { files: ["src/console/*.test.ts"], rules: consoleImports(0, consoleTestPackages) },
  { files: ["src/console/ui/*.ts"], rules: consoleImports(1) },
  { files: ["src/console/ui/views/*.ts"], rules: consoleImports(2) },
  // The server and the agent load the SDK's CommonJS bundles with require, through src/aws-sdk (its README says why).
  {
    files: ["src/**/*.ts"],
    ignores: ["src/aws-sdk/**", "src/console/**", "**/*.test.ts", "**/*.testing.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@aws-sdk/client-*"], allowTypeImports: true, message: "Import the SDK's values from src/aws-sdk (loaded with require: ESM's CommonJS lexer costs ~0.1 s a client at start); types may come from the package." }] },
      ],
    },
  },
  // The placement index changes only from the change log (src/planner/placement-index.ts), never inside a write.
  {
    files: ["src/**/*.ts"],
    ignores: ["src/scheduler/**", "src/planner/placement-index.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name=/^(addTask|removeTask)$/]",
          message: "Only the planner's index changes a ClusterState, from the change log: place through Planner.launch.",
        },
      ],
    },
  },
);
