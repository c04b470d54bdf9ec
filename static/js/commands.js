// Sending commands from forms: JSON to the API with the session's CSRF token, a fresh
// client_id per submission (so a retried request creates nothing twice), and the
// error shown next to the form. The page updates from the socket, not from the answer.
//
// A form says what it sends with data-command and data-path (data-method: another verb);
// data-confirm asks first; data-done is the confirmation shown (role=status, in the page's
// [data-confirmation]) when the command succeeded, with {name} filled from the answer or
// the form's fields ({data.key}: a field of a field; {exercise_time|time}: seconds as the
// clock shows them); data-reset="false" keeps the fields; data-go is the address to open
// once the command succeeded, filled from the answer the same way (e.g.
// "/facilitator/exercises/{id}/"), and its confirmation is shown there.
import { formatTime } from "./exercise-socket.js";

function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

export async function send(path, body = {}, method = "POST") {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = answer.error ?? {};
    const details = (error.details ?? []).map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
    throw new Error([error.message ?? `The server answered ${response.status}.`, ...details].join(" "));
  }
  return answer;
}

function formBody(form, submitter) {
  const body = {};
  const data = new FormData(form, submitter);
  for (const [name, value] of data) {
    if (name === "csrfmiddlewaretoken") continue;
    const field = form.querySelector(`[name="${name}"]`);
    const many = form.querySelectorAll(`[name="${name}"][type=checkbox]`).length > 0;
    if (many) (body[name] ??= []).push(value);
    else if (field?.type === "number") body[name] = value === "" ? null : Number(value);
    else body[name] = value;
  }
  for (const box of form.querySelectorAll("input[type=checkbox]")) body[box.name] ??= [];
  return body;
}

const FORMATS = { time: (value) => formatTime(Number(value)) };

function filled(template, values) {
  return template.replace(/\{([\w.]+)(?:\|(\w+))?\}/g, (_, path, format) => {
    const value = path.split(".").reduce((found, key) => found?.[key], values) ?? "";
    return String(format ? FORMATS[format](value) : value);
  });
}

let clearing = null;
// A confirmation carried to the page a command opens (data-go), for one showing there.
const CARRIED = "parley-confirmation";

// Says what a control did, in the page's status region (read out politely), for a while.
export function confirmDone(text) {
  const region = document.querySelector("[data-confirmation]");
  if (!region || !text) return;
  region.textContent = text;
  window.clearTimeout(clearing);
  clearing = window.setTimeout(() => { region.textContent = ""; }, 8000);
}

function confirmCommand(form, values) {
  if (!form.dataset.done) return;
  const text = filled(form.dataset.done, values);
  if (form.dataset.go) window.sessionStorage.setItem(CARRIED, text);
  else confirmDone(text);
}

const carried = window.sessionStorage.getItem(CARRIED);
if (carried) {
  window.sessionStorage.removeItem(CARRIED);
  confirmDone(carried);
}

// Every form with data-command posts to its data-path; handlers may adjust the body.
// The root is marked data-wired once it listens: before that (module scripts run after
// the page is drawn) a form would be sent by the browser itself, not as a command.
export function wireForms(root, { prepare = (form, body) => body, done = () => {} } = {}) {
  root.dataset.wired = "";
  root.addEventListener("submit", async (submitted) => {
    const form = submitted.target.closest("form[data-command]");
    if (!form) return;
    submitted.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const error = form.querySelector("[data-error]");
    const buttons = form.querySelectorAll("button");
    if (error) error.textContent = "";
    // Read the fields (the pressed button among them) before disabling the buttons.
    const body = prepare(form, formBody(form, submitted.submitter));
    body.client_id = crypto.randomUUID();
    buttons.forEach((button) => { button.disabled = true; });
    try {
      const answer = await send(form.dataset.path, body, form.dataset.method ?? "POST");
      confirmCommand(form, { ...body, ...answer });
      if (form.dataset.reset !== "false") form.reset();
      done(form, answer);
      if (form.dataset.go) window.location.assign(filled(form.dataset.go, answer));
    } catch (failure) {
      if (error) error.textContent = failure.message;
      else window.alert(failure.message);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
}
