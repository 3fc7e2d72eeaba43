import { AwsError } from "../../errors/catalog.js";

/** A Query-protocol request: its action, API version and the decoded parameters. */
export interface QueryRequest {
  readonly action: string;
  readonly version: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** How many parameters one request may carry: AWS's Query services refuse far fewer than this. */
const maxParams = 10_000;

/**
 * Decodes an `application/x-www-form-urlencoded` Query body (`Action=…&Version=…&A.B=…`) into a
 * nested value: dotted names become members, `.member.N` lists, `.entry.N.key`/`.value` maps.
 * Lists come out in index order whatever order the pairs arrived in.
 */
export function decodeQueryForm(body: Uint8Array): QueryRequest {
  const pairs = new URLSearchParams(Buffer.from(body).toString("utf8"));
  const root: Node = new Map();
  let action = "";
  let version = "";
  let count = 0;
  for (const [name, value] of pairs) {
    if (++count > maxParams) throw queryError(`The request has more than ${maxParams} parameters.`);
    if (name === "Action") action = value;
    else if (name === "Version") version = value;
    else insert(root, name.split("."), value);
  }
  return { action, version, params: materialize(root) as Record<string, unknown> };
}

type Node = Map<string, Node | string>;

function insert(node: Node, path: readonly string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined || head === "") throw queryError("A parameter name has an empty segment.");
  if (rest.length === 0) {
    node.set(head, value);
    return;
  }
  let child = node.get(head);
  if (typeof child === "string") throw queryError(`Parameter ${path.join(".").slice(0, 100)} conflicts with another one.`);
  if (!child) node.set(head, (child = new Map()));
  insert(child, rest, value);
}

/** Turns the tree into objects, `member`/`entry` containers and numbered children into arrays and maps. */
function materialize(node: Node | string): unknown {
  if (typeof node === "string") return node;
  const member = node.get("member");
  if (node.size === 1 && member instanceof Map) return indexed(member).map(materialize);
  const entry = node.get("entry");
  if (node.size === 1 && entry instanceof Map) {
    return Object.fromEntries(
      indexed(entry).map((e) => {
        const kv = materialize(e);
        if (typeof kv !== "object" || kv === null || !("key" in kv) || typeof kv.key !== "string") throw queryError("Map entries need a key.");
        return [kv.key, "value" in kv ? kv.value : undefined];
      }),
    );
  }
  if (node.size > 0 && [...node.keys()].every((k) => /^\d+$/.test(k))) return indexed(node).map(materialize);
  return Object.fromEntries([...node].map(([k, v]) => [k, materialize(v)]));
}

function indexed(node: Node): (Node | string)[] {
  const keys = [...node.keys()];
  if (!keys.every((k) => /^[1-9]\d{0,3}$/.test(k))) throw queryError("List members are numbered from 1.");
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => node.get(k)!);
}

const queryError = (message: string): AwsError => new AwsError("MalformedQueryString", message);
