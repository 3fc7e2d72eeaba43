/**
 * The console's entry point: signs in, follows the hash route, loads the page it names from the
 * API, polls it every few seconds while the tab is visible, and runs actions. All the state of
 * the page is here; the views draw it.
 */
import { ListClustersCommand } from "@aws-sdk/client-ecs";
import { render } from "lit-html";
import { shownError, type ShownError } from "../errors.js";
import { checkSignIn } from "../forms.js";
import { parseRoute } from "../routes.js";
import { apiFor, type Api } from "./api.js";
import { layout } from "./layout.js";
import { loadPage } from "./pages.js";
import type { Notice, Page } from "./page.js";
import { poll } from "./poller.js";
import { forgetCredentials, keepCredentials, storedCredentials } from "./session.js";
import { signInPage } from "./views/sign-in.js";

const refreshMs = 3000;
const root = document.getElementById("app") ?? document.body;

let api: Api | undefined;
let accessKeyId = "";
let signIn: { error?: ShownError | undefined; busy: boolean } = { busy: false };
let page: Page | undefined;
let loadError: ShownError | undefined;
let loadedAt: number | undefined;
let notice: Notice | undefined;
/** Each load's number: an answer to an older load (the route changed meanwhile) is dropped. */
let loads = 0;
let loading = false;

function use(credentials: ReturnType<typeof storedCredentials>): void {
  api = credentials ? apiFor(credentials, location.origin) : undefined;
  accessKeyId = credentials?.accessKeyId ?? "";
}

function draw(): void {
  if (!api) {
    document.title = "Sign in · Berth";
    render(signInPage(signIn, (fields) => void submitSignIn(fields)), root);
    return;
  }
  const current = api;
  const route = parseRoute(location.hash);
  document.title = `${page?.title ?? "Berth"} · Berth`;
  const body = page?.render({ api: current, now: Date.now(), act: (action, call) => void act(action, call) });
  render(layout({ route, region: current.region, accessKeyId, notice, loadError, loadedAt, body }, signOut), root);
}

async function load(): Promise<void> {
  if (!api) return;
  const mine = ++loads;
  loading = true;
  try {
    const loaded = await loadPage(api, parseRoute(location.hash));
    if (mine !== loads) return;
    page = loaded;
    loadError = undefined;
    loadedAt = Date.now();
  } catch (err) {
    if (mine !== loads) return;
    loadError = shownError(err);
  } finally {
    if (mine === loads) loading = false;
  }
  draw();
}

async function act(action: string, call: () => Promise<Notice>): Promise<void> {
  try {
    notice = await call();
  } catch (err) {
    notice = { kind: "error", action, error: shownError(err) };
  }
  draw();
  await load();
}

async function submitSignIn(fields: Record<string, string>): Promise<void> {
  const checked = checkSignIn(fields);
  if (!checked.ok) {
    signIn = { busy: false, error: { name: "Invalid input", message: checked.problem } };
    return draw();
  }
  signIn = { busy: true };
  draw();
  // One call before keeping the keys: a wrong key is told here, in the API's words.
  try {
    await apiFor(checked.value, location.origin).ecs.send(new ListClustersCommand({ maxResults: 1 }));
  } catch (err) {
    signIn = { busy: false, error: shownError(err) };
    return draw();
  }
  keepCredentials(checked.value);
  use(checked.value);
  signIn = { busy: false };
  draw();
  await load();
}

function signOut(): void {
  forgetCredentials();
  use(undefined);
  page = undefined;
  notice = undefined;
  loadError = undefined;
  loads++;
  loading = false;
  draw();
}

window.addEventListener("hashchange", () => {
  page = undefined;
  notice = undefined;
  loadError = undefined;
  loadedAt = undefined;
  draw();
  void load();
});

use(storedCredentials());
draw();
void load();
poll(() => {
  if (!loading) void load();
}, refreshMs);
