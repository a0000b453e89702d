// @ts-check
// The account's renders, newest first, a page at a time; open one, or delete it (asked twice).
import { api } from "./api.js";

const PAGE = 10;
const tbody = () => /** @type {HTMLTableSectionElement} */ (document.querySelector("#renders-table tbody"));
const more = () => /** @type {HTMLButtonElement} */ (document.getElementById("more-renders"));
/** @type {string | null} */
let nextToken = null;

/** @param {string} text @param {() => void} onClick */
function button(text, onClick, className = "link") {
  const b = Object.assign(document.createElement("button"), { type: "button", textContent: text, className });
  b.addEventListener("click", onClick);
  return b;
}

/**
 * @param {any} render a HyperFrames render detail
 * @param {{ open: (id: string) => void, onError: (err: unknown) => void }} actions
 */
function row(render, actions) {
  const tr = document.createElement("tr");
  tr.dataset.renderId = render.render_id;
  const name = document.createElement("td");
  name.append(Object.assign(document.createElement("code"), { textContent: render.render_id }));
  if (render.title) name.append(document.createElement("br"), render.title);
  const status = Object.assign(document.createElement("td"), { textContent: render.status, className: `status-${render.status}` });
  const created = Object.assign(document.createElement("td"), { textContent: new Date(render.created_at * 1000).toLocaleString() });
  const cell = document.createElement("td");
  const actionsRow = Object.assign(document.createElement("div"), { className: "row" });
  const normal = () => actionsRow.replaceChildren(button("Open", () => actions.open(render.render_id)), button("Delete", confirmDelete));
  const confirmDelete = () => {
    const yes = button("Delete it", remove, "");
    actionsRow.replaceChildren(Object.assign(document.createElement("span"), { textContent: "Delete?" }), yes, button("Keep", normal));
    yes.focus();
  };
  const remove = async () => {
    try {
      await api(`/v3/hyperframes/renders/${encodeURIComponent(render.render_id)}`, { method: "DELETE" });
      tr.remove();
    } catch (err) {
      actions.onError(err);
      normal();
    }
  };
  normal();
  cell.append(actionsRow);
  tr.append(name, status, created, cell);
  return tr;
}

/**
 * Loads the first page (or, with `append`, the next one).
 * @param {{ open: (id: string) => void, onError: (err: unknown) => void }} actions
 */
export async function loadRenders(actions, append = false) {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (append && nextToken) query.set("token", nextToken);
  const page = await api(`/v3/hyperframes/renders?${query}`);
  const rows = page.data.map((/** @type {any} */ r) => row(r, actions));
  if (append) tbody().append(...rows);
  else tbody().replaceChildren(...rows);
  if (!tbody().children.length) {
    const empty = document.createElement("tr");
    empty.append(Object.assign(document.createElement("td"), { textContent: "No renders yet.", colSpan: 4 }));
    tbody().append(empty);
  }
  nextToken = page.next_token;
  more().hidden = !page.has_more;
}
