import { after } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storeContract } from "../store-contract.js";
import { SqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "berth-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));

storeContract("SQLite", (database) => Promise.resolve(new SqliteStore({ path: join(dir, `${database}.db`) })));
