// Type-aware lint: floating promises and the layer rule that keeps decision code pure.
// Import cycles are checked by madge (npm run lint).
import tseslint from "typescript-eslint";

const changeLogInternals = [{ group: ["**/state/change-log.js", "**/state/sqlite/change-table.js"], message: "Only the store appends changes; subscribe through Store.changes." }];
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
    rules: { "no-restricted-imports": ["error", { paths: ioModules, patterns: changeLogInternals }] },
  },
  // Only the store appends to the change log: everyone else reads it through Store.changes.
  {
    files: ["src/**/*.ts", "test/**/*.ts", "bench/**/*.ts"],
    ignores: ["src/state/**", "src/scheduler/**", "src/controller/**", "src/domain/**"],
    rules: { "no-restricted-imports": ["error", { patterns: changeLogInternals }] },
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
