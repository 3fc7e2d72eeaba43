import { metricsContract } from "../store-contract-metrics.js";
import { SqliteStore } from "./sqlite-store.js";

metricsContract("SQLite", () => Promise.resolve(new SqliteStore({ path: ":memory:" })));
