import { html, nothing, type TemplateResult } from "lit-html";
import type { ShownError } from "../../errors.js";
import { errorBox, formFields } from "../components.js";

/** The sign-in form: the keys of the credentials file `berth up` wrote, and a region. */
export function signInPage(state: { readonly error?: ShownError | undefined; readonly busy: boolean }, submit: (fields: Record<string, string>) => void): TemplateResult {
  const onSubmit = (e: Event): void => submit(formFields(e));
  return html`<main class="sign-in">
    <h1>Berth console</h1>
    <p>Sign in with an access key. <code>berth up</code> and <code>berth server</code> write the root key to
      <code>&lt;data-dir&gt;/credentials</code> (<code>./.berth/credentials</code> by default, and <code>berth up</code> prints its path):
      use its <code>aws_access_key_id</code> and <code>aws_secret_access_key</code>. An IAM user's key works too, within its policies.</p>
    ${state.error ? errorBox(state.error, "sign in") : nothing}
    <form id="sign-in" @submit=${onSubmit}>
      <label>Access key id <input name="accessKeyId" autocomplete="username" required /></label>
      <label>Secret access key <input name="secretAccessKey" type="password" autocomplete="current-password" required /></label>
      <label>Session token <span class="muted">(temporary credentials only)</span> <input name="sessionToken" type="password" autocomplete="off" /></label>
      <label>Region <input name="region" value="us-east-1" required /></label>
      <button type="submit" ?disabled=${state.busy}>Sign in</button>
    </form>
    <p class="muted">The keys stay in this tab (session storage) until you sign out; every request is signed with them in the browser.</p>
  </main>`;
}
