import { readFile, realpath } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { consoleAsset, consoleHeaders } from "./console-assets.js";
import type { StreamingRoute } from "./http-server.js";

/** Where `npm run build` puts the console (dist/console, beside this module's dist/src). */
export const consoleBuildDir = fileURLToPath(new URL("../../console/", import.meta.url));

/**
 * The web console's static files at `/console` (the page) and `/console/<file>` (its script and
 * style), GET and HEAD only, read from `dir` and nowhere else. The console is a client of the
 * public API like any other: it needs nothing from the server but these files.
 */
export function consoleRoute(dir: string = consoleBuildDir): StreamingRoute {
  return {
    prefix: "/console",
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const asset = consoleAsset(req.method ?? "", req.url ?? "");
      if (asset.kind === "method-not-allowed") return answer(res, 405, "Only GET and HEAD are served under /console.\n", { allow: "GET, HEAD" });
      if (asset.kind === "not-found") return answer(res, 404, "No such file under /console.\n");
      const body = await readInside(dir, asset.name);
      if (body === undefined) {
        const hint = asset.name === "index.html" ? " The console is not built: run `npm run build`." : "";
        return answer(res, 404, `No such file under /console.${hint}\n`);
      }
      res.writeHead(200, { ...consoleHeaders, "content-type": asset.contentType, "content-length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
    },
  };
}

/** The file `name` of `dir`, unless it is missing, not a file, or (through a link) outside `dir`. */
async function readInside(dir: string, name: string): Promise<Buffer | undefined> {
  try {
    const root = await realpath(dir);
    const file = await realpath(join(root, name));
    if (!file.startsWith(root + sep)) return undefined;
    return await readFile(file);
  } catch {
    // Missing, a directory (EISDIR) or unreadable: all "no such file" to the browser.
    return undefined;
  }
}

function answer(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...consoleHeaders, ...extra, "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(res.req.method === "HEAD" ? undefined : text);
}
