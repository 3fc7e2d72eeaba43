import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compatibilityPage, compatibilityPagePath } from "./compat-page.js";

/** `npm run compat`: writes docs/compatibility.md from the SDK models and Berth's operation tables. */
const path = fileURLToPath(new URL(`../../${compatibilityPagePath}`, import.meta.url));
writeFileSync(path, compatibilityPage());
process.stdout.write(`wrote ${compatibilityPagePath}\n`);
