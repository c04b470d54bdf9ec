// The control room's status board: a row per team, read from the log like everything
// else (who is connected is the exception: /presence says, see control-room.js). Every
// event goes through follow(), which keeps each team's state; the rows are drawn at the
// next animation frame once the page has its first state, and every second for the waits.
import { formatTime } from "../exercise-socket.js";
import { words } from "./shared.js";

export function start(page) {
  page.board = new Map([...page.root.querySelectorAll("[data-board]")].map((row) => [row.dataset.board, {
    row,
    last: null, // { time, kind } of the team's latest act
    calls: new Map(), // hotline → { from, since }: calls to the team not yet answered
    due: new Map(), // inject key → release time: injects to the team it has not reported on
    rung: null, // { escalation, rung } after its latest action
    threads: new Map(), // persona → since: the team's word to the cell, not yet answered
  }]));
  page.boardFrame = 0;
}

function call(team, envelope) {
  const { data } = envelope;
  const callee = team(data.to);
  if (!callee) return;
  if (envelope.kind === "hotline.requested") callee.calls.set(data.hotline, { from: data.from, since: envelope.exercise_time });
  else callee.calls.delete(data.hotline);
}

function released(team, envelope) {
  for (const key of envelope.data.to) team(key)?.due.set(envelope.data.key, envelope.exercise_time);
}

function reported(team, envelope) {
  team(envelope.data.team)?.due.delete(envelope.data.inject);
}

function moved(team, envelope) {
  const state = team(envelope.data.team);
  if (state) state.rung = { escalation: envelope.data.escalation, rung: envelope.data.rung };
}

// The control cell's threads (cell.message: {persona, from, to, text}; `from` is "cell"
// or the writing team). A thread awaits the cell's answer from the team's message on,
// until the cell writes to that team as the same persona.
function cellThread(team, envelope) {
  const { data } = envelope;
  if (data.from === "cell") {
    for (const key of data.to) team(key)?.threads.delete(data.persona);
  } else {
    const writer = team(data.from);
    if (writer && !writer.threads.has(data.persona)) writer.threads.set(data.persona, envelope.exercise_time);
  }
}

const FOLLOWS = {
  "hotline.requested": call,
  "hotline.accepted": call,
  "hotline.declined": call,
  "hotline.closed": call,
  "inject.released": released,
  "report.submitted": reported,
  "action.taken": moved,
  "cell.message": cellThread,
};

export function follow(page, envelope) {
  const team = (key) => page.board.get(key);
  const actor = team(envelope.actor.team);
  if (actor) actor.last = { time: envelope.exercise_time, kind: envelope.kind };
  FOLLOWS[envelope.kind]?.(team, envelope);
  if (!page.boardFrame) page.boardFrame = requestAnimationFrame(() => { page.boardFrame = 0; if (page.ready) draw(page); });
}

function waited(now, since) {
  return formatTime(now - since);
}

export function draw(page) {
  const now = page.clock.now();
  for (const state of page.board.values()) {
    const cell = (name) => state.row.querySelector(`[data-board-${name}]`);
    cell("last").textContent = state.last ? `${waited(now, state.last.time)} ago · ${words(state.last.kind.replace(".", " "))}` : "none yet";
    cell("calls").textContent = [...state.calls.values()].map((c) => `from ${c.from}, ${waited(now, c.since)}`).join("; ") || "none";
    cell("calls").classList.toggle("waiting", state.calls.size > 0);
    cell("reports").textContent = state.due.size ? `${state.due.size}: ${[...state.due.keys()].join(", ")}` : "none";
    if (state.rung) cell("rung").textContent = `${state.rung.escalation} · ${state.rung.rung}`;
    cell("cell").textContent = [...state.threads].map(([persona, since]) => `${persona}, ${waited(now, since)}`).join("; ") || "none";
    cell("cell").classList.toggle("waiting", state.threads.size > 0);
  }
}
