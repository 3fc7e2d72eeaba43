import { after, before } from "node:test";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { storeContract } from "../store-contract.js";
import { PostgresStore } from "./postgres-store.js";

let server: PostgresServer;
const created = new Set<string>();
before(async () => (server = await startPostgres()));
after(() => server.stop());

storeContract("PostgreSQL", async (database) => {
  if (!created.has(database)) {
    await server.createDatabase(database);
    created.add(database);
  }
  return PostgresStore.open({ url: server.url(database) });
});
