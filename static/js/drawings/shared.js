// What the drawings of both consoles share: placing a node in a list, the command forms
// they draw, and the controls that follow the exercise's status.
import { el } from "../dom.js";

export const words = (key) => key.replaceAll("_", " ");

// Newest first: the list's "nothing yet" line goes when the first item comes.
export function place(container, node) {
  container.querySelector("[data-empty]")?.remove();
  container.prepend(node);
}

export function commandForm(command, path, fields, label, { reset = true, done = "" } = {}) {
  const form = el("form", { class: "inline-form", "data-command": command, "data-path": path });
  if (!reset) form.dataset.reset = "false";
  if (done) form.dataset.done = done;
  form.append(...fields, el("button", { type: "submit", text: label }), el("p", { class: "error", role: "alert", "data-error": "" }));
  return form;
}

export function textField(id, label, limit = 4000) {
  return [el("label", { for: id, class: "visually-hidden", text: label }),
    el("input", { id, name: "text", required: "", maxlength: String(limit), autocomplete: "off", placeholder: label })];
}

// Who sent a message: the sender's team and name (the actor), or the staff member.
export function sender(actor) {
  return actor.team ? `${actor.team} · ${actor.player ?? ""}` : `Facilitator · ${actor.user ?? ""}`;
}

// Controls and notices carry data-when="draft running ...": shown in those statuses only.
// They stay hidden until the page has replayed the log up to where the server rendered it,
// so a page never offers, even for a moment, what the exercise's status no longer allows.
export function drawStatus(page) {
  if (!page.ready) return;
  page.root.dataset.status = page.status;
  for (const node of page.root.querySelectorAll("[data-when]")) {
    node.hidden = !node.dataset.when.split(" ").includes(page.status);
  }
}

// exercise.started, .paused, .resumed, .speed_changed, .ended: the clock and the status.
export function exerciseStatus(page, envelope) {
  page.clock?.follow(envelope);
  page.status = envelope.data.status;
  drawStatus(page);
}
