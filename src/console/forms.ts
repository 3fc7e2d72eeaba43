/**
 * What the sign-in form and the action forms typed, checked before anything is sent (pure):
 * either the value to send or a sentence naming what to fix.
 */
export interface ConsoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly region: string;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const problem = <T>(text: string): Checked<T> => ({ ok: false, problem: text });

/** The sign-in form's fields: keys as the credentials file has them, and a region. */
export function checkSignIn(fields: { readonly [k: string]: string | undefined }): Checked<ConsoleCredentials> {
  const accessKeyId = (fields.accessKeyId ?? "").trim();
  const secretAccessKey = (fields.secretAccessKey ?? "").trim();
  const sessionToken = (fields.sessionToken ?? "").trim();
  const region = (fields.region ?? "").trim();
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) return problem("Enter the access key id (aws_access_key_id in the credentials file, e.g. AKIA…).");
  if (secretAccessKey === "") return problem("Enter the secret access key (aws_secret_access_key in the credentials file).");
  if (!/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(region)) return problem("Enter a region such as us-east-1.");
  return ok({ accessKeyId, secretAccessKey, region, ...(sessionToken && { sessionToken }) });
}

/** Credentials read back from session storage, if they are whole (anything else is no sign-in). */
export function credentialsFromJson(text: string | null): ConsoleCredentials | undefined {
  if (text === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const field = (name: string): string | undefined => {
    const v: unknown = Reflect.get(parsed, name);
    return typeof v === "string" ? v : undefined;
  };
  const checked = checkSignIn({ accessKeyId: field("accessKeyId"), secretAccessKey: field("secretAccessKey"), sessionToken: field("sessionToken"), region: field("region") });
  return checked.ok ? checked.value : undefined;
}

/** A whole number typed in a form (desired count, number of tasks to run) within `min`…`max`. */
export function checkCount(text: string, what: string, min: number, max: number): Checked<number> {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t) || Number(t) < min || Number(t) > max) return problem(`${what} must be a whole number from ${min} to ${max}.`);
  return ok(Number(t));
}

/** A reason typed for stopping a task: ECS keeps up to 255 characters. */
export function checkReason(text: string): Checked<string | undefined> {
  const t = text.trim();
  if (t.length > 255) return problem("The reason can be at most 255 characters.");
  return ok(t === "" ? undefined : t);
}
