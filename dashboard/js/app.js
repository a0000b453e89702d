// @ts-check
// The dashboard: a key for this tab, a new render from a HyperFrames zip or varg TSX, live
// progress of the render, and the account's renders. Plain DOM, no framework, no build step:
// the page is a handful of small files served by the Worker itself, so it works offline.
import { api, apiKey, ApiError } from "./api.js";
import { applySchema, requestFields } from "./options.js";
import { openRender } from "./render-view.js";
import { loadRenders } from "./renders-list.js";

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = (/** @type {string} */ id) => /** @type {HTMLFormElement} */ (document.getElementById(id));

/** The providers whose keys a varg render may bring (providerKeys). */
const PROVIDERS = ["fal", "elevenlabs", "openai", "replicate", "google", "higgsfield"];

/** Shows an error as the API worded it (or the browser's own words for anything else). */
function showError(/** @type {unknown} */ err) {
  const box = $("error");
  box.replaceChildren();
  if (err instanceof ApiError) box.append(Object.assign(document.createElement("code"), { textContent: err.title }), ": ");
  box.append(err instanceof Error ? err.message : String(err));
  box.hidden = false;
  box.focus();
}

function clearError() {
  $("error").hidden = true;
}

/** Runs `work` with the submit button disabled, showing any error. */
async function busy(/** @type {HTMLFormElement} */ f, /** @type {() => Promise<void>} */ work) {
  const submit = /** @type {HTMLButtonElement} */ (f.querySelector("button[type=submit]"));
  submit.disabled = true;
  clearError();
  try {
    await work();
  } catch (err) {
    showError(err);
  } finally {
    submit.disabled = false;
  }
}

const listActions = { open: (/** @type {string} */ id) => watch(id, "hyperframes"), onError: showError };
const refreshList = () => loadRenders(listActions).catch(showError);

/** @param {string} id @param {"hyperframes" | "varg"} dialect */
function watch(id, dialect) {
  void openRender(id, dialect, showError, refreshList);
  $("render").scrollIntoView({ behavior: "smooth", block: "start" });
  refreshList();
}

async function signIn() {
  const { data } = await api("/v3/users/me");
  $("account-name").textContent = data.name ?? data.account_id;
  $("account").hidden = false;
  $("key-form").hidden = true;
  for (const id of ["new-render", "renders"]) $(id).hidden = false;
  await loadRenders(listActions);
}

function signOut() {
  apiKey.clear();
  location.reload();
}

/** @param {FormData} data @param {string} name */
const text = (data, name) => String(data.get(name) ?? "").trim();

async function submitHyperFrames() {
  const f = form("hyperframes-form");
  const data = new FormData(f);
  const file = data.get("file");
  if (!(file instanceof File) || !file.size) throw new Error("choose a project zip first");
  let variables = {};
  if (text(data, "variables")) {
    try {
      variables = JSON.parse(text(data, "variables"));
    } catch (err) {
      throw new Error(`variables are not valid JSON: ${/** @type {Error} */ (err).message}`);
    }
  }
  const upload = new FormData();
  upload.set("file", file, file.name);
  const { data: asset } = await api("/v3/assets", { method: "POST", body: upload });
  /** @type {Record<string, unknown>} */
  const body = { project: { type: "asset_id", asset_id: asset.asset_id }, variables };
  for (const name of ["quality", "format", "resolution", "aspect_ratio", "composition", "title", "callback_url", "callback_id"]) {
    if (text(data, name)) body[name] = text(data, name);
  }
  if (text(data, "fps")) body.fps = Number(text(data, "fps"));
  const { data: created } = await api("/v3/hyperframes/renders", { method: "POST", json: body });
  watch(created.render_id, "hyperframes");
}

async function submitVarg() {
  const data = new FormData(form("varg-form"));
  /** @type {Record<string, string>} */
  const providerKeys = {};
  for (const name of PROVIDERS) if (text(data, `key-${name}`)) providerKeys[name] = text(data, `key-${name}`);
  /** @type {Record<string, unknown>} */
  const body = { code: String(data.get("code") ?? ""), mode: text(data, "mode") || undefined, verbose: data.get("verbose") === "on", providerKeys };
  if (text(data, "output")) body.output = text(data, "output");
  const job = await api("/api/render", { method: "POST", json: body });
  watch(job.job_id, "varg");
}

function showDialect() {
  const dialect = /** @type {HTMLInputElement} */ (document.querySelector("input[name=dialect]:checked")).value;
  form("hyperframes-form").hidden = dialect !== "hyperframes";
  form("varg-form").hidden = dialect !== "varg";
}

async function fillOptions() {
  const [hyperframes, varg] = await Promise.all([requestFields("/v3/hyperframes/renders"), requestFields("/api/render")]);
  applySchema(form("hyperframes-form"), hyperframes);
  applySchema(form("varg-form"), varg);
  $("provider-keys").replaceChildren(
    ...PROVIDERS.map((name) => {
      const label = Object.assign(document.createElement("label"), { textContent: name });
      label.append(Object.assign(document.createElement("input"), { name: `key-${name}`, type: "password", autocomplete: "off" }));
      return label;
    }),
  );
}

function start() {
  $("error").tabIndex = -1;
  fillOptions().catch(showError);
  form("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = /** @type {HTMLInputElement} */ ($("api-key")).value.trim();
    apiKey.set(key);
    busy(form("key-form"), signIn).then(() => {
      if ($("account").hidden) apiKey.clear();
    });
  });
  $("forget-key").addEventListener("click", signOut);
  for (const radio of document.querySelectorAll("input[name=dialect]")) radio.addEventListener("change", showDialect);
  form("hyperframes-form").addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form("hyperframes-form"), submitHyperFrames);
  });
  form("varg-form").addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form("varg-form"), submitVarg);
  });
  $("refresh-renders").addEventListener("click", refreshList);
  $("more-renders").addEventListener("click", () => loadRenders(listActions, true).catch(showError));
  if (apiKey.get()) signIn().catch((err) => (apiKey.clear(), showError(err)));
}

start();
