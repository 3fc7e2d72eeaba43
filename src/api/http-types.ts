/** A request as the API layers see it: fully read, header names in lower case. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
  /** The client's address as the socket saw it (IAM's `aws:SourceIp`). */
  readonly remoteAddress?: string | undefined;
  /** Whether the request came over TLS (`aws:SecureTransport`). */
  readonly secure?: boolean | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}
