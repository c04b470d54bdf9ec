// The scenario editor: a field that changes saves its part to the draft (the same POST as
// Save, marked X-Parley-Live), and the problems the answer holds replace those on the page,
// each at its field; what the writer is typing is never touched. The status line says so
// in words, for a screen reader.
const form = document.querySelector("form[data-live]");

let queue = Promise.resolve();

function structure(root) {
  return Array.from(root.querySelectorAll("form[data-live] [name]"), (node) => node.id).join(" ");
}

function takeProblems(fresh) {
  for (const region of fresh.querySelectorAll("[data-live-region]")) {
    const here = document.getElementById(region.id);
    // A status region is announced when its text changes, not when it is replaced.
    if (here?.getAttribute("role") === "status") here.textContent = region.textContent;
    else if (here) here.replaceWith(document.importNode(region, true));
  }
  for (const control of form.querySelectorAll("[name]")) {
    const twin = fresh.getElementById(control.id);
    if (!twin) continue;
    if (twin.getAttribute("aria-invalid")) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
    const wrapper = document.getElementById(`field-${control.id}`);
    wrapper?.classList.toggle("invalid", twin.getAttribute("aria-invalid") === "true");
  }
  // Each part's count of problems, in the list of parts.
  const hrefOf = (item) => item.querySelector("a")?.getAttribute("href");
  const freshItems = Array.from(fresh.querySelectorAll(".editor-parts li"));
  for (const item of document.querySelectorAll(".editor-parts li")) {
    const twin = freshItems.find((other) => hrefOf(other) === hrefOf(item));
    if (twin) item.replaceWith(document.importNode(twin, true));
  }
}

async function save() {
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-Parley-Live": "1" },
    credentials: "same-origin",
  });
  if (!response.ok) {
    // Only a form the page did not make is refused (400); Save shows the reason in place.
    document.getElementById("live-status").textContent = "Not saved: press Save to see why.";
    return;
  }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  // Rows that moved (an expectation given to another inject) are another form: show it.
  if (structure(fresh) !== structure(document)) {
    location.reload();
    return;
  }
  takeProblems(fresh);
}

if (form) {
  form.addEventListener("change", (event) => {
    if (!event.target.name || event.target.name.endsWith("-DELETE")) return;
    queue = queue.then(save, save);
  });
}
