import { autoScalingContract } from "../store-contract-autoscaling.js";
import { SqliteStore } from "./sqlite-store.js";

autoScalingContract("SQLite", () => Promise.resolve(new SqliteStore({ path: ":memory:" })));
