import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A fresh key pair shaped like AWS's: `AKIA` + 16 characters, and a 40-character secret. */
export function generateAccessKey(): AccessKey {
  const id = Array.from(randomBytes(16), (b) => keyAlphabet[b % keyAlphabet.length]).join("");
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString("base64") };
}

/**
 * The server's access key, kept in `path` in the AWS shared-credentials format (profile `default`,
 * mode 0600) so that `AWS_SHARED_CREDENTIALS_FILE=path aws …` works as it is. Created on first start.
 */
export function loadOrCreateCredentials(path: string): AccessKey {
  if (existsSync(path)) {
    const key = parseCredentialsFile(readFileSync(path, "utf8"));
    if (!key) throw new Error(`${path} has no [default] profile with aws_access_key_id and aws_secret_access_key`);
    return key;
  }
  const key = generateAccessKey();
  writeFileSync(path, formatCredentialsFile(key), { mode: 0o600, flag: "wx" });
  return key;
}

export const formatCredentialsFile = (k: AccessKey): string =>
  `[default]\naws_access_key_id = ${k.accessKeyId}\naws_secret_access_key = ${k.secretAccessKey}\n`;

/** Reads the `[default]` profile of a shared-credentials file. */
export function parseCredentialsFile(text: string): AccessKey | undefined {
  let profile = "";
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      profile = section[1]!.trim();
      continue;
    }
    const i = line.indexOf("=");
    if (profile === "default" && i > 0) values.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const accessKeyId = values.get("aws_access_key_id");
  const secretAccessKey = values.get("aws_secret_access_key");
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}
