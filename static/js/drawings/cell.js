// The control cell's threads (cell.message), drawn on both consoles.
//
// Team console: a pane per persona that wrote to the team or that the team wrote to (and
// one for the cell at large), each with a reply form. Control room: a thread per team,
// those awaiting an answer (the team wrote last) first, the longest wait on top, each
// with a reply form for the facilitator. Every message is drawn from its event, first
// state and live alike.
import { el } from "../dom.js";
import { formatTime } from "../exercise-socket.js";
import { commandForm, place, textField } from "./shared.js";
import { announce } from "./team.js";

const CELL = "cell";

function messageLine(envelope, speaker) {
  const { data } = envelope;
  return el("li", { class: data.from === CELL ? "from-cell" : "from-team", "data-seq": String(envelope.seq) },
    el("time", { text: formatTime(envelope.exercise_time) }), " ", el("strong", { text: `${speaker}: ` }), data.text);
}

function personaOf(page, key) {
  return page.config.personas.find((persona) => persona.key === key);
}

// Team console -------------------------------------------------------------------------------

function teamThread(page, persona) {
  const key = persona ?? "";
  let pane = page.root.querySelector(`[data-cell-thread="${CSS.escape(key)}"]`);
  if (pane) return pane;
  const known = persona ? personaOf(page, persona) : null;
  const title = known?.name ?? persona ?? "Control cell";
  const reply = commandForm("cell-message", `/api/v1/exercises/${page.config.exercise}/cell-messages`,
    textField(`cell-${key || "cell"}-text`, `Reply to ${title}`), "Reply");
  if (persona) reply.prepend(el("input", { type: "hidden", name: "persona", value: persona }));
  pane = el("article", { class: "pane cell-thread", "data-cell-thread": key },
    el("header", {}, el("h3", { text: title }), el("small", { text: known?.role ?? (persona ? "" : "everyone not at the table") })),
    el("ol", { class: "messages", "aria-live": "polite", "data-messages": "", tabindex: "0", "aria-label": `Thread with ${title}` }),
    reply);
  place(page.root.querySelector("[data-cell-threads]"), pane);
  return pane;
}

export function team(page, envelope) {
  const { data, actor } = envelope;
  const fromCell = data.from === CELL;
  const speaker = fromCell ? (data.persona_name ?? "Control cell") : `${actor.team} · ${actor.player ?? ""}`;
  teamThread(page, data.persona).querySelector("[data-messages]").append(messageLine(envelope, speaker));
  if (fromCell) announce(page, `Message from ${data.persona_name ?? "the control cell"}`, envelope);
}

// Control room -------------------------------------------------------------------------------

function personaChoice(page, id) {
  const personas = JSON.parse(page.root.querySelector("#cell-personas")?.textContent ?? "[]");
  return [el("label", { for: id, text: "As" }),
    el("select", { id, name: "persona", required: "" }, ...personas.map((p) => el("option", { value: p.key, text: p.name })))];
}

function roomThread(page, teamKey) {
  let pane = page.root.querySelector(`[data-cell-thread="${CSS.escape(teamKey)}"]`);
  if (pane) return pane;
  pane = el("article", { class: "pane cell-thread", "data-cell-thread": teamKey },
    el("header", {}, el("h4", { text: teamKey }), el("span", { class: "badge", "data-thread-status": "", hidden: "" }),
      el("small", { "data-thread-wait": "" })),
    el("ol", { class: "messages", "data-messages": "", tabindex: "0", "aria-label": `Thread with ${teamKey}` }));
  if (page.root.dataset.role === "facilitator") {
    const id = `cell-reply-${teamKey}`;
    const fields = [el("input", { type: "checkbox", name: "to", value: teamKey, checked: "", hidden: "" }),
      ...personaChoice(page, `${id}-persona`), ...textField(id, `Reply to ${teamKey}`)];
    pane.append(commandForm("cell-message", `/api/v1/exercises/${page.root.dataset.exercise}/cell-messages`, fields, "Reply",
      { done: `Reply sent to ${teamKey}.` }));
  }
  page.root.querySelector("[data-cell-threads] [data-empty]")?.remove();
  page.root.querySelector("[data-cell-threads]").append(pane);
  return pane;
}

function drawThreadStatus(pane) {
  const waiting = pane.dataset.waitingSince !== undefined;
  const badge = pane.querySelector("[data-thread-status]");
  badge.textContent = waiting ? "awaiting answer" : "";
  badge.className = waiting ? "badge hotline-requested" : "badge";
  badge.hidden = !waiting;
  pane.querySelector("[data-thread-wait]").textContent = waiting ? `since ${formatTime(Number(pane.dataset.waitingSince))}` : "";
}

// Awaiting an answer first (the longest wait on top), then the most recent conversations.
function order(a, b) {
  const waitA = a.dataset.waitingSince;
  const waitB = b.dataset.waitingSince;
  if ((waitA === undefined) !== (waitB === undefined)) return waitA === undefined ? 1 : -1;
  if (waitA !== undefined) return Number(waitA) - Number(waitB);
  return Number(b.dataset.last) - Number(a.dataset.last);
}

// Moving a pane would take the focus from a reply being typed: while the focus is in the
// list, the order is put right when it leaves.
function sortThreads(page) {
  const list = page.root.querySelector("[data-cell-threads]");
  if (list.contains(document.activeElement)) {
    if (!list.dataset.sortPending) {
      list.dataset.sortPending = "true";
      list.addEventListener("focusout", () => window.setTimeout(() => sortThreads(page)), { once: true });
    }
    return;
  }
  delete list.dataset.sortPending;
  const panes = [...list.querySelectorAll("[data-cell-thread]")];
  const sorted = [...panes].sort(order);
  if (sorted.some((pane, index) => pane !== panes[index])) list.append(...sorted);
  const awaiting = panes.filter((pane) => pane.dataset.waitingSince !== undefined).length;
  page.root.querySelector("[data-cell-awaiting]").textContent = awaiting ? `${awaiting} awaiting an answer` : "";
}

// A thread per team: the cell's messages to it, as whichever persona, and its answers.
export function room(page, envelope) {
  const { data, actor } = envelope;
  const fromCell = data.from === CELL;
  const speaker = fromCell
    ? `${data.persona_name} (${actor.user ?? "cell"})`
    : `${actor.team} · ${actor.player ?? ""} → ${data.persona_name ?? "the control cell"}`;
  for (const teamKey of data.to) {
    const pane = roomThread(page, teamKey);
    pane.querySelector("[data-messages]").append(messageLine(envelope, speaker));
    pane.dataset.last = String(envelope.exercise_time);
    if (fromCell) delete pane.dataset.waitingSince;
    else pane.dataset.waitingSince ??= String(envelope.exercise_time);
    // The reply goes as the persona the team addressed, unless the facilitator is choosing.
    const choice = pane.querySelector("select[name=persona]");
    if (!fromCell && data.persona && choice && document.activeElement !== choice) choice.value = data.persona;
    drawThreadStatus(pane);
  }
  sortThreads(page);
}
