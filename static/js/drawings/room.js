// How events are drawn on the facilitator console (the control room). Each function takes
// the page (see control-room.js) and one envelope; the same function draws the replayed
// first state and the live updates. Every event is also a line of the feed (feedLine).
import { el } from "../dom.js";
import { formatTime } from "../exercise-socket.js";
import { exerciseStatus, place, words } from "./shared.js";

// exercise.*: the clock, the controls the status allows, and the speed field.
export function status(page, envelope) {
  exerciseStatus(page, envelope);
  const speed = page.root.querySelector("[data-command=speed] input[name=speed]");
  if (speed && document.activeElement !== speed) speed.value = String(envelope.data.speed);
}

// Injects: the plan's rows are the server's; their status comes from the events ------------

function injectRow(page, envelope) {
  const existing = page.root.querySelector(`[data-inject="${CSS.escape(envelope.data.key)}"]`);
  if (existing) return existing;
  // An ad-hoc inject is not in the plan: it gets a row when it is released.
  const row = page.root.querySelector("[data-inject-template]").content.firstElementChild.cloneNode(true);
  row.dataset.inject = envelope.data.key;
  row.querySelector("[data-inject-key]").textContent = envelope.data.key;
  row.querySelector("[data-inject-title]").textContent = envelope.data.title;
  row.querySelector("[data-seconds]").dataset.seconds = String(envelope.exercise_time);
  row.querySelector("[data-seconds]").textContent = formatTime(envelope.exercise_time);
  page.root.querySelector("[data-inject-rows]").append(row);
  return row;
}

function markInject(page, envelope, status) {
  const row = injectRow(page, envelope);
  const badge = row.querySelector("[data-inject-status]");
  badge.textContent = status;
  badge.className = `badge inject-${status}`;
  for (const control of row.querySelectorAll("[data-pending-only]")) control.remove();
  const key = CSS.escape(envelope.data.key);
  page.root.querySelector(`[data-edit="${key}"]`)?.remove();
  for (const option of page.root.querySelectorAll(`select[name=consequence] option[value="${key}"]`)) option.remove();
}

export const injectReleased = (page, envelope) => markInject(page, envelope, "released");
export const injectSkipped = (page, envelope) => markInject(page, envelope, "skipped");

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
// is awaiting_adjudication.

export function operation(page, envelope) {
  const queue = page.root.querySelector("[data-adjudication]");
  if (!queue) return;
  const { data } = envelope;
  const waiting = queue.querySelector(`[data-operation="${data.operation}"]`);
  if (data.status !== "awaiting_adjudication") waiting?.remove();
  else if (!waiting) queue.append(adjudicationCard(page, data));
  queue.querySelector("[data-empty]").hidden = queue.querySelector("[data-operation]") !== null;
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

// The feed: one line per event, in the words of envelope.summary (the review's words) --------

const FEED_LENGTH = 1000;

function teamsOf(envelope) {
  const { data, actor } = envelope;
  return new Set([actor.team, data.team, data.from, data.to, data.proposer, data.met_by, ...(data.teams ?? []),
    ...(data.participants ?? []), ...(data.partners ?? []), ...(Array.isArray(data.to) ? data.to : [])]
    .filter((key) => typeof key === "string" && key));
}

export function filterLine(page, line) {
  const { team, kind } = page.filters;
  line.hidden = !((!team || line.dataset.teams.split(" ").includes(team)) && (!kind || line.dataset.kind.startsWith(kind)));
}

function line(page, envelope) {
  const item = el("li", { "data-kind": envelope.kind, "data-teams": [...teamsOf(envelope)].join(" "), "data-seq": String(envelope.seq) },
    el("time", { text: formatTime(envelope.exercise_time) }), " ", el("code", { text: envelope.kind }), " ", el("span", { text: envelope.summary }));
  filterLine(page, item);
  return item;
}

// The newest events at the top; the oldest drop off the bottom past FEED_LENGTH lines
// ("Load earlier events" brings them back, see olderLines).
export function feedLine(page, envelope) {
  const feed = page.root.querySelector("[data-feed]");
  place(feed, line(page, envelope));
  while (feed.children.length > FEED_LENGTH + page.olderShown) feed.lastElementChild.remove();
  const oldest = Number(feed.lastElementChild.dataset.seq);
  page.root.querySelector("[data-older]").hidden = oldest <= 1;
}

export function olderLines(page, envelopes) {
  const feed = page.root.querySelector("[data-feed]");
  for (const envelope of [...envelopes].reverse()) feed.append(line(page, envelope));
  page.olderShown += envelopes.length;
  page.root.querySelector("[data-older]").hidden = envelopes.length === 0 || envelopes[0].seq <= 1;
}
