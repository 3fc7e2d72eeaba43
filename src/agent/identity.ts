import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { RegisterContainerInstanceCommandInput, RegisterContainerInstanceCommandOutput } from "@aws-sdk/client-ecs";
import { ECSClient, RegisterContainerInstanceCommand } from "../aws-sdk/ecs.js";
import type { Logger } from "pino";
import { trustFrom, type Trust } from "./trust.js";
import { BerthCallError, callBerth } from "./berth-call.js";
import { agentCredential, type AgentCredential } from "../agent-protocol/agent-credential.js";
import { isUnreachable, sdkEndpoint, withFailover, type EndpointRotation } from "./endpoints.js";

/**
 * The agent's identity, as an ECS agent's: it registers its container instance with an operator's
 * credential (ECS: the instance profile), then acts with a credential of its own, scoped to that
 * instance, kept in `<data-dir>/agent-credentials.json` (mode 0600). A restarted agent registers
 * with its own credential, and uses the operator's again only when its own is refused (revoked
 * by deregistration, or a server that lost it), to register and get a new one.
 */

export interface IdentityOptions {
  /** The control plane's endpoints: registration moves to the next when the current one cannot be reached. */
  readonly endpoints: EndpointRotation;
  readonly region: string;
  /** The operator's credential; undefined: the AWS SDK's default chain (environment, shared file). */
  readonly operator: AwsCredentialIdentity | undefined;
  /** Where the agent's own credential is kept. */
  readonly path: string;
  /** What it trusts for an https:// endpoint. */
  readonly trust: Trust;
  readonly logger: Logger;
}

export interface Registered {
  readonly containerInstanceArn: string;
  readonly credential: AgentCredential;
}

/** Errors that mean "this credential is not (or no longer) valid here", not "the request is wrong". */
const refusedCredential = new Set(["UnrecognizedClientException", "AccessDeniedException", "InvalidSignatureException"]);

/** Registers the instance and returns the agent's own credential; the operator's is not kept. */
export async function registerWithIdentity(input: RegisterContainerInstanceCommandInput, opts: IdentityOptions): Promise<Registered> {
  const saved = readAgentCredential(opts.path);
  if (saved && input.containerInstanceArn !== undefined && saved.containerInstanceArn === input.containerInstanceArn) {
    try {
      const out = await registerAs(saved, input, opts);
      return { containerInstanceArn: out.containerInstance?.containerInstanceArn ?? saved.containerInstanceArn, credential: saved };
    } catch (err) {
      if (!(err instanceof Error) || !refusedCredential.has(err.name)) throw registrationFailed(err, input);
      opts.logger.warn({ err: `${err.name}: ${err.message}` }, "own credential refused; registering again with the operator credential");
    }
  }
  const ecs = registrationClient(opts, opts.operator);
  try {
    const out = await register(ecs, input, opts).catch((err: unknown) => {
      throw registrationFailed(err, input);
    });
    const containerInstanceArn = out.containerInstance?.containerInstanceArn ?? "";
    const operator = await ecs.config.credentials();
    const credential = await withFailover(opts.endpoints, (endpoint) => createAgentCredential(endpoint, opts.region, operator, containerInstanceArn, opts.trust));
    writeAgentCredential(opts.path, credential);
    opts.logger.info({ principal: credential.principalArn }, "received the agent's own credential");
    return { containerInstanceArn, credential };
  } finally {
    ecs.destroy();
  }
}

async function registerAs(credential: AgentCredential, input: RegisterContainerInstanceCommandInput, opts: IdentityOptions) {
  const ecs = registrationClient(opts, { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey });
  try {
    return await register(ecs, input, opts);
  } finally {
    ecs.destroy();
  }
}

/**
 * An ECS client on the current endpoint at each request. A connection that does not open within
 * 5 s counts as refused, so that a replica whose host is gone (no RST, only silence) is skipped
 * in seconds, not after the kernel's two minutes of SYN retries.
 */
function registrationClient(opts: IdentityOptions, credentials: AwsCredentialIdentity | undefined): ECSClient {
  return new ECSClient({
    endpoint: sdkEndpoint(opts.endpoints),
    region: opts.region,
    requestHandler: { httpsAgent: opts.trust.httpsAgent, connectionTimeout: 5_000 },
    ...(credentials && { credentials }),
  });
}

/**
 * Registers the instance, waiting for a control plane that is not up yet (backoff 250 ms to 30 s,
 * as the ECS agent does, per round of endpoints: an unreachable one is left for the next at once);
 * an answer that the request itself is refused (a 4xx) is thrown as it is.
 */
async function register(ecs: ECSClient, input: RegisterContainerInstanceCommandInput, opts: Pick<IdentityOptions, "endpoints" | "logger">): Promise<RegisterContainerInstanceCommandOutput> {
  const { endpoints, logger } = opts;
  for (let attempt = 0; ; ) {
    const endpoint = endpoints.current();
    try {
      const out = await ecs.send(new RegisterContainerInstanceCommand(input));
      endpoints.succeeded(endpoint);
      return out;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== undefined && status >= 400 && status < 500) throw err;
      // A server whose certificate this agent does not trust will not start trusting it by waiting.
      if (untrustedCertificate(err)) {
        throw new Error(`the control plane's TLS certificate is not trusted (${(err as NodeJS.ErrnoException).code}): give its CA with --ca-bundle or BERTH_CA_BUNDLE`, { cause: err });
      }
      if (isUnreachable(err)) {
        const step = endpoints.failed(endpoint);
        if (!step.backOff) {
          logger.warn({ err: err instanceof Error ? err.message : String(err), endpoint, next: step.next }, "control plane endpoint not reachable; registering through the next");
          continue;
        }
      }
      const delay = Math.min(30_000, 250 * 2 ** attempt++);
      logger.warn({ err: err instanceof Error ? err.message : String(err), retryInMs: delay }, "control plane not reachable; retrying registration");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** What the agent says when the control plane refuses to register it: what failed, and how to fix it. */
/** OpenSSL's verification failures, as Node reports them on a TLS connection. */
const untrustedCodes = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
const untrustedCertificate = (err: unknown): boolean => untrustedCodes.has(String((err as { code?: unknown }).code));

function registrationFailed(err: unknown, input: RegisterContainerInstanceCommandInput): Error {
  const name = err instanceof Error ? err.name : "Error";
  const hint = name === "ClusterNotFoundException" ? ` Create it first: aws ecs create-cluster --cluster-name ${input.cluster ?? "default"}` : "";
  const message = (err instanceof Error ? err.message : String(err)).replace(/\.$/, "");
  return new Error(`could not register in cluster ${input.cluster ?? "default"}: ${name}: ${message}.${hint}`, { cause: err });
}

/** Calls Berth's CreateAgentCredential (agent-protocol/agent-credential.ts) with the operator's credential. */
export async function createAgentCredential(
  endpoint: string,
  region: string,
  operator: AwsCredentialIdentity,
  containerInstanceArn: string,
  trust: Trust = trustFrom(undefined),
): Promise<AgentCredential> {
  try {
    return agentCredential.parse(await callBerth(endpoint, region, operator, "CreateAgentCredential", { containerInstanceArn }, trust));
  } catch (err) {
    if (err instanceof BerthCallError) throw new Error(`the control plane refused the agent a credential: ${err.code === "HttpError" ? err.message : `${err.code}: ${err.message}`}`, { cause: err });
    throw err;
  }
}

/** The saved credential, or undefined when there is none (or it is unreadable: the agent then registers anew). */
export function readAgentCredential(path: string): AgentCredential | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return agentCredential.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch {
    return undefined;
  }
}

/** Writes the credential readable by its owner only, atomically (a crash leaves the old file or the new). */
export function writeAgentCredential(path: string, credential: AgentCredential): void {
  rmSync(`${path}.tmp`, { force: true }); // the mode applies only to a file being created
  writeFileSync(`${path}.tmp`, JSON.stringify(credential), { mode: 0o600, flag: "wx" });
  renameSync(`${path}.tmp`, path);
}
