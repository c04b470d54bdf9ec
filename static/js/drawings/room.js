// How events are drawn on the facilitator console (the control room). Each function takes
// the page (see control-room.js) and one envelope; the same function draws the replayed
// first state and the live updates. Every event is also a line of the feed (feed.js) and
// moves the status board (board.js).
import { el } from "../dom.js";
import { formatTime } from "../exercise-socket.js";
import { exerciseStatus, place, words } from "./shared.js";

// exercise.*: the clock, the controls the status allows, and the speed field.
export function status(page, envelope) {
  exerciseStatus(page, envelope);
  const speed = page.root.querySelector("[data-command=speed] input[name=speed]");
  if (speed && document.activeElement !== speed) speed.value = String(envelope.data.speed);
}

// The inject timeline: the plan's rows are the server's; the events redraw them ---------------

function injectRow(page, envelope) {
  const existing = page.root.querySelector(`[data-inject="${CSS.escape(envelope.data.key)}"]`);
  if (existing) return existing;
  // An ad-hoc inject is not in the plan: it gets a row when it is released.
  const row = page.root.querySelector("[data-inject-template]").content.firstElementChild.cloneNode(true);
  row.dataset.inject = envelope.data.key;
  row.querySelector("[data-inject-key]").textContent = envelope.data.key;
  row.querySelector("[data-inject-title]").textContent = envelope.data.title;
  page.root.querySelector("[data-inject-rows]").append(row);
  return row;
}

function markInject(page, envelope, status) {
  const row = injectRow(page, envelope);
  const badge = row.querySelector("[data-inject-status]");
  badge.textContent = status;
  badge.className = `badge inject-${status}`;
  delete row.dataset.due; // no longer counted down to
  for (const control of row.querySelectorAll("[data-pending-only]")) control.remove();
  const key = CSS.escape(envelope.data.key);
  page.root.querySelector(`[data-edit="${key}"]`)?.remove();
  for (const option of page.root.querySelectorAll(`select[name=consequence] option[value="${key}"]`)) option.remove();
  return row;
}

function showDue(row, seconds) {
  const due = row.querySelector("[data-inject-due]");
  due.dataset.seconds = String(seconds);
  due.textContent = formatTime(seconds);
}

// Released: to whom (an ad-hoc inject's recipients are known only from here), and when,
// with how early when it went out before its due time.
export function injectReleased(page, envelope) {
  const { data, exercise_time: at } = envelope;
  const row = markInject(page, envelope, "released");
  row.querySelector("[data-inject-to]").textContent = data.to.join(", ");
  const due = data.due_at ?? null; // none for a triggered inject released before its trigger fired
  if (due !== null) showDue(row, due);
  const early = due !== null && due - at >= 1;
  row.querySelector("[data-inject-released]").textContent = `at ${formatTime(at)}${early ? ` (${formatTime(due - at)} early)` : ""}`;
}

export const injectSkipped = (page, envelope) => markInject(page, envelope, "skipped");

// A triggered inject made due: the timeline shows when, and counts down to it.
export function injectScheduled(page, envelope) {
  const row = injectRow(page, envelope);
  row.dataset.due = String(envelope.data.due_at);
  showDue(row, envelope.data.due_at);
}

// An edited inject: the new title in its row and edit form on every console at once.
export function injectEdited(page, envelope) {
  const { data } = envelope;
  injectRow(page, envelope).querySelector("[data-inject-title]").textContent = data.title;
  const edit = page.root.querySelector(`[data-edit="${CSS.escape(data.key)}"]`);
  if (!edit) return;
  edit.querySelector("[data-edit-summary]").textContent = `${data.key}: ${data.title}`;
  const form = edit.querySelector("form");
  if (form.contains(document.activeElement)) return; // never overwrite what someone is typing
  form.elements.title.value = data.title;
  form.elements.body.value = data.body;
  form.elements.severity.value = data.severity;
}

// Hotline outages: hotline.cut lists the outage with its Restore, hotline.restored removes it.

export function outage(page, envelope) {
  const list = page.root.querySelector("[data-outages]");
  if (!list) return;
  const { outage: id, teams } = envelope.data;
  list.querySelector(`[data-outage="${id}"]`)?.remove();
  if (envelope.kind !== "hotline.cut") return;
  const form = el("form", { class: "inline-form", "data-command": "restore", "data-path": `/api/v1/hotline-outages/${id}/end`,
    "data-done": `The line between ${teams[0]} and ${teams[1]} is restored.` },
  el("span", { text: `${teams[0]} ↔ ${teams[1]} cut` }), el("button", { type: "submit", text: "Restore" }),
  el("p", { class: "error", role: "alert", "data-error": "" }));
  list.append(el("li", { "data-outage": String(id) }, form));
}

// The adjudication queue: jointop.* carry the whole operation; it waits while its status
// is awaiting_adjudication. The queue's tab counts the waiting ones.

export function operation(page, envelope) {
  const queue = page.root.querySelector("[data-adjudication]");
  if (!queue) return;
  const { data } = envelope;
  const waiting = queue.querySelector(`[data-operation="${data.operation}"]`);
  if (data.status !== "awaiting_adjudication") waiting?.remove();
  else if (!waiting) queue.append(adjudicationCard(page, data));
  const count = queue.querySelectorAll("[data-operation]").length;
  queue.querySelector("[data-empty]").hidden = count > 0;
  const badge = page.root.querySelector("[data-tab-count=adjudication]");
  badge.textContent = String(count);
  badge.hidden = count === 0;
}

function adjudicationCard(page, data) {
  const card = page.root.querySelector("[data-adjudication-template]").content.firstElementChild.cloneNode(true);
  card.dataset.operation = data.operation;
  card.querySelector("[data-operation-title]").textContent = `${words(data.kind)} · ${data.proposer} with ${data.partners.join(", ")}`;
  card.querySelector("[data-operation-objective]").textContent = data.objective;
  card.querySelector("[data-operation-answers]").textContent = Object.entries(data.answers).map(([k, v]) => `${k}: ${v}`).join(" · ");
  const form = card.querySelector("form");
  form.dataset.path = `/api/v1/joint-operations/${data.operation}/adjudicate`;
  for (const label of form.querySelectorAll("[data-for]")) {
    const id = `op-${data.operation}-${label.dataset.for}`;
    label.htmlFor = id;
    form.querySelector(`[name=${label.dataset.for}]`).id = id;
  }
  return card;
}

// Evaluation notes (note.added), newest first.

export function note(page, envelope) {
  const notes = page.root.querySelector("[data-notes]");
  if (!notes) return;
  const { data } = envelope;
  place(notes, el("li", { "data-seq": String(envelope.seq) }, el("time", { text: formatTime(envelope.exercise_time) }), " ",
    el("strong", { text: data.author }), `${data.team ? ` on ${data.team}` : ""}: ${data.text}`));
}
