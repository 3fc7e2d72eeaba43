import { createServer } from "node:net";

/**
 * A block of `size` consecutive ports that can all be bound now, below Linux's ephemeral range
 * (32768–60999), where the kernel hands out ports to outgoing connections, and below the
 * 20000–32000 blocks the e2e clusters give their agents.
 */
export async function freeBlock(size: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 10_000 + Math.floor(Math.random() * (10_000 - size));
    let free = true;
    for (let p = first; p < first + size && free; p++) free = await canBind(p);
    if (free) return first;
  }
  throw new Error(`no ${size} consecutive free ports found in 10000-19999`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host: "0.0.0.0", exclusive: true }, () => s.close(() => resolve(true)));
  });
}
