import { Command } from "commander";
import { compileStoreCopyConfig, type RawStoreCopyConfig } from "../config/store-copy-config.js";
import { dataDirFiles } from "../data-dir.js";
import { copyRegions, type RegionCopied } from "../store-copy/copy-regions.js";
import { regionsOnDisk } from "../store-copy/regions-on-disk.js";
import { Progress } from "./progress.js";

/** What stays in the data directory, outside the database, and every server on the database needs the same. */
function carryOver(dataDir: string): string {
  const f = dataDirFiles;
  const files: [string, string][] = [
    [f.credentials, "the root access key"],
    [f.iamKey, "seals IAM users' secret keys: without it none of them verifies"],
    [`${f.registry}/${f.tokenSecret}`, "signs registry passwords and download URLs"],
    [`${f.registry}/, ${f.regions}/<region>/${f.registry}/`, "the image blobs"],
    [f.homeRegion, "the home region"],
  ];
  return [
    `Not in the database, and needed the same by every server on it, in ${dataDir}:`,
    ...files.map(([file, what]) => `  ${file.padEnd(38)} ${what}`),
    "Start every server with this --data-dir (a directory they share, or a whole copy of it on each) and",
    "the same --account-id. Its SQLite files (berth.db, registry/registry.db) are no longer read: keep them",
    "as a backup, and start no server on this directory without --store (it would serve them as they were).",
  ].join("\n");
}

/** `berth store`: moves a server's state between stores. */
export function storeCommand(): Command {
  const store = new Command("store").description("move a server's state between stores");
  const copy = new Command("copy")
    .description("copy the state of a stopped server from its SQLite files (every region) into an empty PostgreSQL database, for several servers on it")
    .option("--data-dir <dir>", "the stopped server's data directory (env BERTH_DATA_DIR; default ./.berth)")
    .option("--store <url>", "the PostgreSQL database to copy into, as `berth server --store` takes it: postgres://user:password@host/database (env BERTH_STORE)")
    .addHelpText(
      "after",
      `
Stop the server first: the copy refuses while a server has the SQLite files open, and reads them
all at one moment. Every region goes into the schema its server would open (the home region's into
public, another's into region_<name>), after the database's migrations, all in one transaction: a
refusal or a failure writes nothing. It refuses a database whose schemas already hold state, or that
a server runs on. Then start the servers with the same --data-dir and --store.

${carryOver("the data directory")}`,
    )
    .action(async (flags: RawStoreCopyConfig) => {
      const config = compileStoreCopyConfig(flags, process.env);
      const progress = new Progress(process.stderr, { now: Date.now, name: "berth store copy" });
      const copied = await copyRegions(regionsOnDisk(config.dataDir), config.url, { progress, copiedAtMs: Date.now() });
      process.stdout.write(`${copied.map(summary).join("\n")}\nCopied in ${progress.elapsed()}: start the servers with --store (this database).\n${carryOver(config.dataDir)}\n`);
    });
  store.addCommand(copy);
  return store;
}

const summary = (c: RegionCopied): string =>
  `${c.region}: ${c.rows.toLocaleString("en-US")} rows of ${c.tables} tables into schema ${c.schema}; its change log goes on from revision ${c.revision.toString()}.`;
