// @ts-check
// The one-time setup page: with the SETUP_SECRET chosen at deploy, the deployer gets the
// deployment's first API key here, without a terminal. The API closes it once a key exists.
import { api, apiKey } from "./api.js";

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

async function start() {
  const state = await api("/v1/setup");
  const form = /** @type {HTMLFormElement} */ ($("setup-form"));
  if (!state.configured) {
    $("setup-state").textContent = "Setup is not enabled on this deployment: set the SETUP_SECRET secret (16 characters or more) and deploy again.";
    return;
  }
  if (!state.enabled) {
    $("setup-state").textContent = "Setup is done: this deployment already has an API key. Create more with npm run keys.";
    return;
  }
  $("setup-state").textContent = "This deployment has no API key yet. Create the first one:";
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    $("error").hidden = true;
    try {
      const created = await api("/v1/setup", { method: "POST", json: { setup_secret: data.get("setup_secret"), account_name: data.get("account_name") } });
      form.hidden = true;
      $("setup-state").textContent = `Created account “${created.account_name}”.`;
      $("setup-key").textContent = created.api_key;
      $("setup-result").hidden = false;
      $("setup-use").addEventListener("click", () => {
        apiKey.set(created.api_key);
        location.assign("/");
      });
    } catch (err) {
      $("error").textContent = /** @type {Error} */ (err).message;
      $("error").hidden = false;
    }
  });
}

start().catch((err) => {
  $("setup-state").textContent = `Could not read the setup state: ${err.message}`;
});
