/**
 * Whether a resource policy (already checked to be one) grants access to anyone, as
 * PutResourcePolicy's BlockPublicPolicy refuses: an Allow statement that names every principal
 * (`"*"`, or `"*"` among a kind's principals) or every principal but some (`NotPrincipal`), and that
 * no Condition narrows. A narrower reading than AWS's automated reasoning, on the side of refusing.
 */
export function grantsPublicAccess(policyText: string): boolean {
  const doc: unknown = JSON.parse(policyText);
  if (!isObject(doc)) return false;
  const statements: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((s) => isObject(s) && s.Effect === "Allow" && s.Condition === undefined && (s.NotPrincipal !== undefined || everyone(s.Principal)));
}

function everyone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (!isObject(principal)) return false;
  return Object.values(principal).some((v) => v === "*" || (Array.isArray(v) && v.includes("*")));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
