import { alarmsContract } from "../store-contract-alarms.js";
import { SqliteStore } from "./sqlite-store.js";

alarmsContract("SQLite", () => Promise.resolve(new SqliteStore({ path: ":memory:" })));
