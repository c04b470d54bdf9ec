// The facilitator console (control room): the clock and its controls, the inject timeline,
// the live feed, the status board, and the side tabs (scores, trust, evaluation,
// adjudication, injects, hotline outages, teams). Everything that comes from events is
// drawn by drawings.js from the socket's replay of the log (seq 0 on) and the live events
// after it; the server draws only the frame.
import { confirmDone, wireForms } from "./commands.js";
import { apply, begin } from "./drawings.js";
import { draw as drawBoard } from "./drawings/board.js";
import { filter } from "./drawings/feed.js";
import { el } from "./dom.js";
import { ExerciseClock, ExerciseSocket, formatTime } from "./exercise-socket.js";
import { wireTabs } from "./tabs.js";

const room = document.querySelector(".room");
const exerciseId = room.dataset.exercise;
const api = `/api/v1/exercises/${exerciseId}`;

const page = {
  console: "room",
  root: room,
  clock: new ExerciseClock(document.querySelector("[data-clock]")),
  firstStateSeq: Number(room.dataset.lastSeq),
};

// The plan's due times, formatted as every time on the page is.
for (const due of room.querySelectorAll("[data-seconds]")) due.textContent = formatTime(Number(due.dataset.seconds));

const showTab = wireTabs(room.querySelector("[data-tabs]"));

// The feed's filters: each says what it did, with how many events pass ----------------------

for (const select of room.querySelectorAll("[data-filter]")) {
  select.addEventListener("change", () => {
    const passing = filter(page, select.dataset.filter, select.value);
    const chosen = [...room.querySelectorAll("[data-filter]")].filter((s) => s.value)
      .map((s) => `${s.dataset.filter} ${s.value}`);
    confirmDone(`Feed ${chosen.length ? `filtered by ${chosen.join(", ")}` : "unfiltered"}: ${passing.toLocaleString("en")} events.`);
  });
}

// The timeline's countdown to the next release -------------------------------------------------

function drawNextRelease() {
  const now = page.clock.now();
  const next = [...room.querySelectorAll("[data-inject-rows] tr[data-due]")]
    .map((row) => ({ row, due: Number(row.dataset.due) }))
    .sort((a, b) => a.due - b.due)[0];
  const line = room.querySelector("[data-next-release]");
  if (page.status === "ended" || !next) {
    line.textContent = page.status === "ended" ? "The exercise has ended." : "No release scheduled.";
    return;
  }
  const name = `${next.row.dataset.inject} “${next.row.querySelector("[data-inject-title]").textContent}”`;
  const waiting = { draft: " once the exercise starts", paused: " (held while paused)" }[page.status] ?? "";
  line.textContent = next.due <= now && page.status === "running"
    ? `Next release: ${name}, due now.`
    : `Next release: ${name} in ${formatTime(next.due - now)}${waiting}, at ${formatTime(next.due)}.`;
}

// Editing an inject from its row: the Injects tab, with that inject's form open.
room.addEventListener("click", (clicked) => {
  const opener = clicked.target.closest("[data-edit-open]");
  if (!opener || !showTab("inject")) return;
  const edit = room.querySelector(`[data-edit="${CSS.escape(opener.dataset.editOpen)}"]`);
  if (!edit) return;
  edit.open = true;
  edit.querySelector("input[name=title]").focus();
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
  room.querySelector("[data-region-points]").textContent = `${scores.region.earned} of ${scores.region.possible}`;
  room.querySelector("[data-peak-rung]").textContent = String(scores.region.peak_rung);
  room.querySelector("[data-scoreboard]").replaceChildren(...scores.teams.map((team) => {
    const met = team.expectations.filter((e) => e.status === "met").length;
    const missed = team.expectations.length - met;
    const mean = team.responsiveness.mean_seconds;
    const ratings = Object.entries(team.ratings).map(([objective, r]) => `${objective}: ${r.ratings.map((x) => x.rating).join("/")}${r.spread ? ` (${r.agreement})` : ""}`).join("; ");
    return el("tr", {}, el("th", { scope: "row" }, el("abbr", { title: team.name, text: team.key })),
      el("td", { text: String(team.national) }), el("td", { text: String(team.regional) }), el("td", { text: String(team.total) }),
      el("td", { text: `${met} / ${missed}` }), el("td", { text: mean === null ? "–" : formatTime(mean) }),
      el("td", { text: String(team.escalation) }), el("td", { text: ratings || "–" }));
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

// Keyboard shortcuts (facilitator/room.py lists, per role, those the page mentions) -------------

// Single keys, so a visible toggle turns them off (WCAG 2.1.4: a speech-input user's words, or
// a stray key, must not pause the exercise); the browser remembers the choice for every console.
const shortcuts = room.querySelector("[data-shortcuts]");
const SHORTCUTS_SETTING = "parley.shortcuts";
shortcuts.checked = window.localStorage.getItem(SHORTCUTS_SETTING) !== "off";
shortcuts.addEventListener("change", () => window.localStorage.setItem(SHORTCUTS_SETTING, shortcuts.checked ? "on" : "off"));

document.addEventListener("keydown", (pressed) => {
  if (!shortcuts.checked || pressed.ctrlKey || pressed.metaKey || pressed.altKey) return;
  if (pressed.target.closest("input, textarea, select, [contenteditable]")) return;
  const focus = (tab, selector) => {
    if (tab && !showTab(tab)) return;
    const target = room.querySelector(selector);
    if (target && !target.closest("[hidden]")) { pressed.preventDefault(); target.focus(); }
  };
  // Pause while running, Resume while paused: whichever the status shows. Never Start.
  if (pressed.key === "p") room.querySelector("form[data-shortcut=p]:not([hidden])")?.requestSubmit();
  if (pressed.key === "n") focus("inject", "[data-adhoc] input[name=title]");
  if (pressed.key === "f") focus(null, "[data-filter=team]");
  if (pressed.key === "e") focus("evaluation", "#note-text");
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
if (page.ready) drawNextRelease(); // nothing to replay
new ExerciseSocket({
  exerciseId,
  onEvent(envelope) {
    const replaying = !page.ready;
    apply(page, envelope);
    if (!page.ready) return;
    if (SCORING_KINDS.test(envelope.kind)) refreshScores();
    if (replaying || /^(inject|exercise)\./.test(envelope.kind)) drawNextRelease();
  },
}).start();

// The waits on the board and the countdown move with the clock.
window.setInterval(() => {
  if (!page.ready) return;
  drawBoard(page);
  drawNextRelease();
}, 1000);
refreshScores();
refreshPresence();
window.setInterval(refreshPresence, 10000);
