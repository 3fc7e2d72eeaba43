import pg from "pg";

/**
 * A dedicated connection (the store's writer, its listener) that is made anew on its next use after
 * it broke: a restarted database or a cut network costs the writes of that moment, not the process.
 */
export class DedicatedConnection {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    /** Run on each new connection before it is used (LISTEN, for the listener). */
    private readonly setUp: (client: pg.Client) => Promise<void> = () => Promise.resolve(),
    /** Each NOTIFY the connection hears (the store's listener only needs the wake-up; the registry's reads the payload). */
    private readonly onNotification?: (message: pg.Notification) => void,
  ) {}

  /** The connection, connecting first when there is none or the last one broke. */
  get(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** The connection a transaction was begun on (by `get`). */
  get current(): pg.Client {
    if (!this.client) throw new Error("the PostgreSQL connection broke");
    return this.client;
  }

  async end(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    // A broken connection is dropped, and the next use makes a new one; its error must not end the process.
    const drop = () => {
      if (this.client === client) this.client = undefined;
    };
    client.on("error", drop);
    client.on("end", drop);
    if (this.onNotification) client.on("notification", this.onNotification);
    try {
      await client.connect();
      await this.setUp(client);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }
}
