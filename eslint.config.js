// Type-aware lint: floating promises and the layer rule that keeps decision code pure.
// Import cycles are checked by madge (npm run lint).
import tseslint from "typescript-eslint";

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
    rules: { "no-restricted-imports": ["error", { paths: ioModules }] },
  },
);
