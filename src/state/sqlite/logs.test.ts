import { after } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logsContract } from "../store-contract-logs.js";
import { SqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "berth-sqlite-logs-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;

// On files, not ":memory:": a memory store reads and writes through one connection, where the write
// side's SqliteLogs registers `berth_log_match` over the read side's, and a read's predicate is never found.
logsContract("SQLite", () => Promise.resolve(new SqliteStore({ path: join(dir, `logs${count++}.db`) })));
