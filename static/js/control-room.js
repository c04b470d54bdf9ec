// The facilitator console: clock and controls, injects, the live feed of every channel,
// the adjudication queue, hotline outages, evaluation notes, scores and who is connected.
// Everything that comes from events is drawn by drawings.js from the socket's replay of
// the log (seq 0 on) and the live events after it; the server draws only the frame.
import { wireForms } from "./commands.js";
import { apply, begin } from "./drawings.js";
import { filterLine, olderLines } from "./drawings/room.js";
import { el } from "./dom.js";
import { ExerciseClock, ExerciseSocket, formatTime } from "./exercise-socket.js";

const room = document.querySelector(".room");
const exerciseId = room.dataset.exercise;
const api = `/api/v1/exercises/${exerciseId}`;

const page = {
  console: "room",
  root: room,
  clock: new ExerciseClock(document.querySelector("[data-clock]")),
  firstStateSeq: Number(room.dataset.lastSeq),
  filters: { team: "", kind: "" },
  olderShown: 0,
};

// The plan's due times, formatted as every time on the page is.
for (const due of room.querySelectorAll("[data-seconds]")) due.textContent = formatTime(Number(due.dataset.seconds));

// The feed's filters and earlier events -------------------------------------------------------

const feed = room.querySelector("[data-feed]");

for (const select of room.querySelectorAll("[data-filter]")) {
  select.addEventListener("change", () => {
    page.filters[select.dataset.filter] = select.value;
    for (const line of feed.children) if (line.dataset.kind) filterLine(page, line);
  });
}

const older = room.querySelector("[data-older]");
older.addEventListener("click", async () => {
  const oldest = Number(feed.lastElementChild?.dataset.seq) || 1;
  const response = await fetch(`${api}/events?after=${Math.max(0, oldest - 201)}&before=${oldest}`, { credentials: "same-origin" });
  if (response.ok) olderLines(page, await response.json());
});

// Scores, trust and presence ---------------------------------------------------------------

let scoresTimer = null;

function refreshScores() {
  window.clearTimeout(scoresTimer);
  scoresTimer = window.setTimeout(async () => {
    const response = await fetch(`${api}/scores`, { credentials: "same-origin" });
    if (response.ok) drawScores(await response.json());
  }, 300);
}

function drawScores(scores) {
  room.querySelector("[data-stability]").textContent = `${scores.stability.index} / 100`;
  room.querySelector("[data-scoreboard]").replaceChildren(...scores.teams.map((team) => {
    const met = team.expectations.filter((e) => e.status === "met").length;
    const missed = team.expectations.length - met;
    const mean = team.responsiveness.mean_seconds;
    const ratings = Object.entries(team.ratings).map(([objective, r]) => `${objective}: ${r.ratings.map((x) => x.rating).join("/")}${r.spread ? ` (${r.agreement})` : ""}`).join("; ");
    return el("tr", {}, el("th", { scope: "row", text: `${team.key} · ${team.name}` }), el("td", { text: String(team.total) }),
      el("td", { text: String(met) }), el("td", { text: String(missed) }), el("td", { text: mean === null ? "–" : formatTime(mean) }),
      el("td", {}, el("meter", { min: "0", max: "5", value: String(team.escalation) }), ` ${team.escalation}`), el("td", { text: ratings || "–" }));
  }));
  const keys = scores.teams.map((t) => t.key);
  const head = el("tr", {}, el("th", { scope: "col", text: "" }), ...keys.map((k) => el("th", { scope: "col", text: k })));
  const rows = keys.map((a) => el("tr", {}, el("th", { scope: "row", text: a }), ...keys.map((b) => {
    if (a === b) return el("td", { class: "self", text: "–" });
    const value = scores.trust[a][b];
    const cell = el("td", { text: value.toFixed(1), title: `${a}'s trust in ${b}: ${(scores.trust_breakdown[a]?.[b] ?? []).map((m) => `#${m.seq} ${m.rule} ${m.weight > 0 ? "+" : ""}${m.weight}`).join(", ") || "unchanged"}` });
    const strength = Math.min(Math.abs(value) / 4, 1);
    cell.style.setProperty("--heat", strength.toFixed(2));
    cell.className = value > 0 ? "warm" : value < 0 ? "cold" : "";
    return cell;
  })));
  room.querySelector("[data-trust]").replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}

async function refreshPresence() {
  const response = await fetch(`${api}/presence`, { credentials: "same-origin" });
  if (!response.ok) return;
  const { teams } = await response.json();
  for (const [key, count] of Object.entries(teams)) {
    const cell = room.querySelector(`[data-presence="${CSS.escape(key)}"]`);
    if (cell) cell.textContent = count ? `${count} online` : "nobody";
  }
}

// Keyboard shortcuts ---------------------------------------------------------------------------

// Single keys, so a visible toggle turns them off (WCAG 2.1.4: a speech-input user's words, or
// a stray key, must not pause the exercise); the browser remembers the choice for every console.
const shortcuts = room.querySelector("[data-shortcuts]");
const SHORTCUTS_SETTING = "parley.shortcuts";
shortcuts.checked = window.localStorage.getItem(SHORTCUTS_SETTING) !== "off";
shortcuts.addEventListener("change", () => window.localStorage.setItem(SHORTCUTS_SETTING, shortcuts.checked ? "on" : "off"));

document.addEventListener("keydown", (pressed) => {
  if (!shortcuts.checked || pressed.ctrlKey || pressed.metaKey || pressed.altKey) return;
  if (pressed.target.closest("input, textarea, select, [contenteditable]")) return;
  const focus = (selector) => { const target = room.querySelector(selector); if (target) { pressed.preventDefault(); target.focus(); } };
  // Pause while running, Resume while paused: whichever the status shows. Never Start.
  if (pressed.key === "p") room.querySelector("form[data-shortcut=p]:not([hidden])")?.requestSubmit();
  if (pressed.key === "n") focus("[data-adhoc] input[name=title]");
  if (pressed.key === "f") focus("[data-filter=team]");
  if (pressed.key === "e") focus("#note-text");
});

// Wiring ---------------------------------------------------------------------------------------

wireForms(room, {
  prepare(form, body) {
    if (form.dataset.command === "outage") return { teams: [body.team_a, body.team_b] };
    if (["adhoc", "media"].includes(form.dataset.command) && !body.to.length) body.to = "all";
    if (form.dataset.command === "adjudicate" && !body.consequence) delete body.consequence;
    if (form.dataset.command === "note" && !body.team) delete body.team;
    return body;
  },
});

const SCORING_KINDS = /^(expectation|rating|action|hotline|jointop|statement)\./;
begin(page);
new ExerciseSocket({
  exerciseId,
  onEvent(envelope) {
    apply(page, envelope);
    if (SCORING_KINDS.test(envelope.kind)) refreshScores();
  },
}).start();

refreshScores();
refreshPresence();
window.setInterval(refreshPresence, 10000);
