/**
 * Builds the web console into dist/console: app.js (src/console/ui/main.ts and what it imports,
 * the AWS SDK's browser build and lit-html, bundled by esbuild), app.css and index.html. Run by
 * `npm run build` after tsc (which type-checks src/console with its own tsconfig first).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "../..");
const source = join(root, "src/console");
const out = join(root, "dist/console");

mkdirSync(out, { recursive: true });
const started = Date.now();
const result = await build({
  entryPoints: [join(source, "ui/main.ts")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  legalComments: "eof",
  logLevel: "warning",
  metafile: true,
});
for (const file of ["index.html", "app.css"]) copyFileSync(join(source, file), join(out, file));
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`console: dist/console built in ${Date.now() - started} ms (${Math.round(bytes / 1024)} KiB)\n`);
