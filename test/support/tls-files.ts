import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TlsFiles {
  readonly dir: string;
  /** The test CA's certificate: what clients trust (`--ca-bundle`, Docker's certs.d). */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost, made with
 * openssl: a server certificate signed by a CA, as operators deploy it, not a self-signed one.
 */
export async function makeTlsFiles(): Promise<TlsFiles> {
  const dir = mkdtempSync(join(tmpdir(), "berth-tls-"));
  const at = (name: string): string => join(dir, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  await openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Berth test CA", "-keyout", at("ca.key"), "-out", at("ca.crt"));
  await openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", at("server.key"), "-out", at("server.csr"));
  writeFileSync(at("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  await openssl("x509", "-req", "-days", "1", "-in", at("server.csr"), "-CA", at("ca.crt"), "-CAkey", at("ca.key"), "-CAcreateserial", "-extfile", at("ext.cnf"), "-out", at("server.crt"));
  return { dir, caFile: at("ca.crt"), certFile: at("server.crt"), keyFile: at("server.key") };
}
