import { XMLBuilder } from "fast-xml-parser";

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: false });

/**
 * A Query-protocol result as AWS writes it:
 * `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`.
 * Lists become `<member>` elements, maps (`asQueryMap`) `<entry>` elements, dates ISO 8601, absent
 * members are left out.
 */
export function resultXml(action: string, xmlNamespace: string, result: Record<string, unknown>, requestId: string): string {
  return document({
    [`${action}Response`]: {
      "@_xmlns": xmlNamespace,
      [`${action}Result`]: toXmlValue(result),
      ResponseMetadata: { RequestId: requestId },
    },
  });
}

/** `<ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function errorXml(xmlNamespace: string | undefined, code: string, message: string, requestId: string, type: "Sender" | "Receiver"): string {
  return document({
    ErrorResponse: {
      ...(xmlNamespace && { "@_xmlns": xmlNamespace }),
      Error: { Type: type, Code: code, Message: message },
      RequestId: requestId,
    },
  });
}

const queryMap = Symbol("query map");

/**
 * Marks a record as a map of the model (CloudWatch's ExtendedStatistics), which the Query protocol
 * writes as `<entry><key>…</key><value>…</value></entry>` elements; JSON and CBOR answers see the
 * plain object (the mark is a symbol-keyed member, which they leave out).
 */
export function asQueryMap<T extends Record<string, unknown>>(record: T): T {
  return Object.defineProperty(record, queryMap, { value: true, enumerable: false });
}

const document = (root: object): string => `<?xml version="1.0" encoding="UTF-8"?>\n${String(builder.build(root))}`;

function toXmlValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return { member: value.map(toXmlValue) };
  if (typeof value === "object" && value !== null && queryMap in value) return { entry: Object.entries(value).map(([key, v]) => ({ key, value: toXmlValue(v) })) };
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toXmlValue(v)]),
    );
  }
  return value;
}
