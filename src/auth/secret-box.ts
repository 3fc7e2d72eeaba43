import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Seals IAM access-key secrets at rest. SigV4 verification needs a secret back in clear (the
 * signature is an HMAC under it), so secrets are encrypted, not hashed: AES-256-GCM under a key
 * kept apart from the database, in `<data-dir>/iam-key` (0600). A copy of `berth.db` alone gives
 * away no secret.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Reads the key at `path`, creating it (32 random bytes, owner-only) on first use. */
  static loadOrCreate(path: string): SecretBox {
    if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    const key = Buffer.from(readFileSync(path, "utf8").trim(), "hex");
    if (key.length !== 32) throw new Error(`${path} does not hold an IAM key: restore it from a backup (without it IAM access keys cannot be verified)`);
    return new SecretBox(key);
  }

  /** A box with a given key, for tests. */
  static ofKey(key: Buffer): SecretBox {
    return new SecretBox(key);
  }

  /** `v1.<iv>.<ciphertext>.<tag>`, base64url parts. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ["v1", iv, ct, cipher.getAuthTag()].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
  }

  /** The secret, or undefined when `sealed` was not sealed with this key (or was altered). */
  open(sealed: string): string | undefined {
    const [v, iv, ct, tag] = sealed.split(".");
    if (v !== "v1" || iv === undefined || ct === undefined || tag === undefined) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }
}
