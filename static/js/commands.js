// Sending commands from forms: JSON to the API with the session's CSRF token, a fresh
// client_id per submission (so a retried request creates nothing twice), and the
// error shown next to the form. The page updates from the socket, not from the answer.

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
    const many = form.querySelectorAll(`[name="${name}"][type=checkbox]`).length > 0;
    if (many) (body[name] ??= []).push(value);
    else body[name] = value;
  }
  for (const box of form.querySelectorAll("input[type=checkbox]")) body[box.name] ??= [];
  return body;
}

// Every form with data-command posts to its data-path; handlers may adjust the body.
export function wireForms(root, { prepare = (form, body) => body, done = () => {} } = {}) {
  root.addEventListener("submit", async (submitted) => {
    const form = submitted.target.closest("form[data-command]");
    if (!form) return;
    submitted.preventDefault();
    const error = form.querySelector("[data-error]");
    const buttons = form.querySelectorAll("button");
    if (error) error.textContent = "";
    // Read the fields (the pressed button among them) before disabling the buttons.
    const body = prepare(form, formBody(form, submitted.submitter));
    body.client_id = crypto.randomUUID();
    buttons.forEach((button) => { button.disabled = true; });
    try {
      await send(form.dataset.path, body, form.dataset.method ?? "POST");
      if (form.dataset.reset !== "false") form.reset();
      done(form);
    } catch (failure) {
      if (error) error.textContent = failure.message;
      else window.alert(failure.message);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
}
