import { XMLBuilder } from "fast-xml-parser";

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: true });

/**
 * EC2's flavour of the Query protocol: the result's members sit right in `<OpResponse>` next to
 * `<requestId>` (no `<OpResult>` wrapper), in lower camel case as the handlers name them, and lists
 * are `<item>` elements.
 */
export function ec2ResultXml(action: string, xmlNamespace: string, result: Record<string, unknown>, requestId: string): string {
  const members = toXmlValue(result);
  return document({ [`${action}Response`]: { "@_xmlns": xmlNamespace, requestId, ...(typeof members === "object" && members) } });
}

/** `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`, as EC2 writes every error. */
export function ec2ErrorXml(code: string, message: string, requestId: string): string {
  return document({ Response: { Errors: { Error: { Code: ec2Codes[code] ?? code, Message: message } }, RequestID: requestId } });
}

/** EC2 names IAM's refusal UnauthorizedOperation, and a bad signature AuthFailure's relatives by their Query names. */
const ec2Codes: Readonly<Record<string, string>> = { AccessDenied: "UnauthorizedOperation" };

const document = (root: object): string => `<?xml version="1.0" encoding="UTF-8"?>\n${String(builder.build(root))}`;

function toXmlValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? "" : { item: value.map(toXmlValue) };
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toXmlValue(v)]),
    );
  }
  return value;
}
