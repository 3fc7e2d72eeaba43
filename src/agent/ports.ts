import { createServer } from "node:net";

/**
 * Dynamic host ports for bridge-mode port mappings with hostPort 0, taken from the agent's range
 * (ECS_DYNAMIC_HOST_PORT_RANGE) like the ECS agent does, so that a port is never handed to two
 * containers. A port is only handed out when it can be bound right now, which also keeps several
 * agents on one machine out of each other's way.
 */
export class PortAllocator {
  private readonly inUse = new Set<number>();
  private next: number;

  private readonly hostIp: string;

  /** `hostIp`: the address containers publish on (BERTH_HOST_IP), where a port must be free. */
  constructor(
    private readonly range: { readonly first: number; readonly last: number },
    private readonly reserved: ReadonlySet<number>,
    { start = range.first, hostIp = "0.0.0.0" }: { readonly start?: number; readonly hostIp?: string } = {},
  ) {
    this.next = start;
    this.hostIp = hostIp;
  }

  /** Marks ports as taken (containers re-adopted after a restart). */
  claim(ports: Iterable<number>): void {
    for (const p of ports) this.inUse.add(p);
  }

  release(ports: Iterable<number>): void {
    for (const p of ports) this.inUse.delete(p);
  }

  /** A free port of the range for the protocol; throws when the range is exhausted. */
  async allocate(protocol: "tcp" | "udp"): Promise<number> {
    const size = this.range.last - this.range.first + 1;
    for (let i = 0; i < size; i++) {
      const port = this.next;
      this.next = port >= this.range.last ? this.range.first : port + 1;
      if (this.inUse.has(port) || this.reserved.has(port)) continue;
      if (protocol === "tcp" && !(await canBind(port, this.hostIp))) continue;
      this.inUse.add(port);
      return port;
    }
    throw new Error(`no free host port left in ${this.range.first}-${this.range.last}`);
  }
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
