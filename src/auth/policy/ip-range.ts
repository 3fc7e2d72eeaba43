import { isIP } from "node:net";

/** An address as 16 bytes (IPv4 as IPv4-mapped IPv6, `::ffff:a.b.c.d`), or undefined when it is none. */
export function addressBytes(text: string): Uint8Array | undefined {
  const family = isIP(text);
  if (family === 4) return v4(text);
  if (family !== 6) return undefined;
  const [head = "", tail] = text.split("::");
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    for (const g of part.split(":")) {
      if (g.includes(".")) {
        const b = v4(g);
        if (!b) return undefined;
        out.push((b[12]! << 8) | b[13]!, (b[14]! << 8) | b[15]!);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  if (!h || !t) return undefined;
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

function v4(text: string): Uint8Array | undefined {
  const parts = text.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(parts, 12);
  return bytes;
}

/** A CIDR block (`10.0.0.0/8`, `2001:db8::/32`, or one address) as a test of addresses; undefined when it is none. */
export function ipRange(cidr: string): ((address: Uint8Array) => boolean) | undefined {
  const [address = "", bits] = cidr.split("/");
  const base = addressBytes(address);
  if (!base || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return undefined;
  const v4Offset = isIP(address) === 4 ? 96 : 0;
  const prefix = bits === undefined ? 128 : Number(bits) + v4Offset;
  if (prefix > 128) return undefined;
  return (a) => {
    for (let bit = 0; bit < prefix; bit += 8) {
      const take = Math.min(8, prefix - bit);
      const mask = (0xff << (8 - take)) & 0xff;
      if ((a[bit >> 3]! & mask) !== (base[bit >> 3]! & mask)) return false;
    }
    return true;
  };
}
