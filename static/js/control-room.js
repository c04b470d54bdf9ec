// The facilitator console: clock, injects, the live feed of every channel, the
// adjudication queue, hotline outages, evaluation notes, scores and who is connected.
import { wireForms } from "./commands.js";
import { el } from "./dom.js";
import { ExerciseClock, ExerciseSocket, formatTime } from "./exercise-socket.js";

const room = document.querySelector(".room");
const exerciseId = room.dataset.exercise;
const api = `/api/v1/exercises/${exerciseId}`;
const clock = new ExerciseClock(document.querySelector("[data-clock]"));
const FEED_WINDOW = 200;

// Injects ------------------------------------------------------------------------------

function injectRow(envelope) {
  const existing = room.querySelector(`[data-inject="${CSS.escape(envelope.data.key)}"]`);
  if (existing) return existing;
  const row = room.querySelector("[data-inject-template]").content.firstElementChild.cloneNode(true);
  row.dataset.inject = envelope.data.key;
  row.querySelector("[data-inject-key]").textContent = envelope.data.key;
  row.querySelector("[data-inject-title]").textContent = envelope.data.title;
  row.querySelector("[data-inject-due]").textContent = formatTime(envelope.exercise_time);
  room.querySelector("[data-inject-rows]").append(row);
  return row;
}

function markInject(envelope, status) {
  const row = injectRow(envelope);
  const badge = row.querySelector("[data-inject-status]");
  badge.textContent = status;
  badge.className = `badge inject-${status}`;
  for (const control of row.querySelectorAll("[data-pending-only]")) control.remove();
  room.querySelector(`[data-edit="${CSS.escape(envelope.data.key)}"]`)?.remove();
  for (const option of room.querySelectorAll(`select[name=consequence] option[value="${CSS.escape(envelope.data.key)}"]`)) option.remove();
}

for (const due of room.querySelectorAll("[data-seconds]")) due.textContent = formatTime(Number(due.dataset.seconds));

// The feed --------------------------------------------------------------------------------

const feed = room.querySelector("[data-feed]");
const filters = { team: "", kind: "" };

function teamsOf(envelope) {
  const { data, actor } = envelope;
  return new Set([actor.team, data.team, data.from, data.to, data.proposer, data.met_by,
    ...(data.participants ?? []), ...(data.partners ?? []), ...(Array.isArray(data.to) ? data.to : [])].filter(Boolean));
}

function summary(envelope) {
  const { data, actor } = envelope;
  const who = actor.team ? `${actor.team} (${actor.player})` : actor.user ?? "system";
  const text = data.text ? `: ${data.text}` : "";
  switch (envelope.kind.split(".")[0]) {
    case "inject": return `${data.key} ${data.title}${data.reason ? ` (skipped: ${data.reason})` : ""}`;
    case "exercise": return `${data.status}, speed ${data.speed}×`;
    case "hotline": return `${data.from} → ${data.to}${text}`;
    case "dialogue": case "statement": return `${who} in ${data.title ?? `dialogue ${data.dialogue}`}${text}`;
    case "jointop": return `${data.kind.replaceAll("_", " ")} by ${data.proposer} with ${data.partners.join(", ")}${data.outcome ? `: ${data.outcome}` : ""}`;
    case "action": return `${data.team} ${data.kind.replaceAll("_", " ")} (rung ${data.escalation})${text}`;
    case "report": return `${data.team} on ${data.inject}${text}`;
    case "expectation": return `${data.expectation} for ${data.team ?? data.teams.join("/")}: ${data.points} points`;
    case "rating": return `${data.team} on ${data.objective}: ${data.value} by ${data.evaluator}`;
    default: return `${who}${text}`;
  }
}

function feedItem(envelope) {
  const item = el("li", { "data-kind": envelope.kind, "data-teams": [...teamsOf(envelope)].join(" "), "data-seq": String(envelope.seq) },
    el("time", { text: formatTime(envelope.exercise_time) }), " ", el("code", { text: envelope.kind }), " ", el("span", { text: summary(envelope) }));
  applyFilter(item);
  return item;
}

function applyFilter(item) {
  const teamOk = !filters.team || item.dataset.teams.split(" ").includes(filters.team);
  const kindOk = !filters.kind || item.dataset.kind.startsWith(filters.kind);
  item.hidden = !(teamOk && kindOk);
}

function logEvent(envelope) {
  feed.querySelector("[data-empty]")?.remove();
  feed.prepend(feedItem(envelope));
  while (feed.children.length > FEED_WINDOW * 5) feed.lastElementChild.remove();
}

for (const select of room.querySelectorAll("[data-filter]")) {
  select.addEventListener("change", () => {
    filters[select.dataset.filter] = select.value;
    for (const item of feed.children) if (item.dataset.kind) applyFilter(item);
  });
}

const older = room.querySelector("[data-older]");
older?.addEventListener("click", async () => {
  const oldest = Number(feed.lastElementChild?.dataset.seq ?? room.dataset.feedFrom) || 1;
  const response = await fetch(`${api}/events?after=${Math.max(0, oldest - FEED_WINDOW - 1)}&before=${oldest}`, { credentials: "same-origin" });
  const envelopes = await response.json();
  for (const envelope of envelopes.reverse()) feed.append(feedItem(envelope));
  older.hidden = envelopes.length === 0 || envelopes[envelopes.length - 1].seq <= 1;
});

// Adjudication queue and outages ----------------------------------------------------------

const queue = room.querySelector("[data-adjudication]");

function queueOperation(data) {
  if (!queue || queue.querySelector(`[data-operation="${data.operation}"]`)) return;
  const card = room.querySelector("[data-adjudication-template]").content.firstElementChild.cloneNode(true);
  card.dataset.operation = data.operation;
  card.querySelector("[data-operation-title]").textContent = `${data.kind.replaceAll("_", " ")} · ${data.proposer} with ${data.partners.join(", ")}`;
  card.querySelector("[data-operation-objective]").textContent = data.objective;
  card.querySelector("[data-operation-answers]").textContent = Object.entries(data.answers).map(([k, v]) => `${k}: ${v}`).join(" · ");
  const form = card.querySelector("form");
  form.dataset.path = `/api/v1/joint-operations/${data.operation}/adjudicate`;
  for (const label of form.querySelectorAll("[data-for]")) {
    const id = `op-${data.operation}-${label.dataset.for}`;
    label.htmlFor = id;
    form.querySelector(`[name=${label.dataset.for}]`).id = id;
  }
  queue.append(card);
  queue.querySelector("[data-empty]").hidden = true;
}

function onOperation(envelope) {
  const { data } = envelope;
  if (data.status === "awaiting_adjudication") queueOperation(data);
  if (data.status === "adjudicated" || data.status === "declined") {
    queue?.querySelector(`[data-operation="${data.operation}"]`)?.remove();
    if (queue && !queue.querySelector("[data-operation]")) queue.querySelector("[data-empty]").hidden = false;
  }
}

const outages = room.querySelector("[data-outages]");

function showOutage(outage) {
  if (!outages) return;
  const form = el("form", { class: "inline-form", "data-command": "restore", "data-path": `/api/v1/hotline-outages/${outage.id}/end` },
    el("span", { text: `${outage.teams[0]} ↔ ${outage.teams[1]} cut` }), el("button", { type: "submit", text: "Restore" }),
    el("p", { class: "error", role: "alert", "data-error": "" }));
  outages.append(el("li", { "data-outage": String(outage.id) }, form));
}

function onOutage(envelope) {
  if (envelope.kind === "hotline.cut") showOutage({ id: envelope.data.outage, teams: envelope.data.teams });
  else outages?.querySelector(`[data-outage="${envelope.data.outage}"]`)?.remove();
}

function onNote(envelope) {
  const notes = room.querySelector("[data-notes]");
  if (!notes || notes.querySelector(`[data-seq="${envelope.seq}"]`)) return;
  notes.querySelector("[data-empty]")?.remove();
  const about = envelope.data.team ? ` on ${envelope.data.team}` : "";
  notes.prepend(el("li", { "data-seq": String(envelope.seq) }, el("time", { text: formatTime(envelope.exercise_time) }), " ",
    el("strong", { text: envelope.data.author }), `${about}: ${envelope.data.text}`));
}

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

document.addEventListener("keydown", (pressed) => {
  if (pressed.ctrlKey || pressed.metaKey || pressed.altKey) return;
  if (pressed.target.closest("input, textarea, select, [contenteditable]")) return;
  const focus = (selector) => { const target = room.querySelector(selector); if (target) { pressed.preventDefault(); target.focus(); } };
  if (pressed.key === "p") room.querySelector("form[data-shortcut=p]")?.requestSubmit();
  if (pressed.key === "n") focus("[data-adhoc] input[name=title]");
  if (pressed.key === "f") focus("[data-filter=team]");
  if (pressed.key === "e") focus("#note-text");
});

for (const form of room.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (submitted) => {
    if (!window.confirm(form.dataset.confirm)) submitted.preventDefault();
  });
}

// Wiring ---------------------------------------------------------------------------------------

for (const data of JSON.parse(document.getElementById("awaiting-data")?.textContent ?? "[]")) queueOperation(data);
for (const outage of JSON.parse(document.getElementById("outages-data")?.textContent ?? "[]")) showOutage(outage);

wireForms(room, {
  prepare(form, body) {
    if (form.dataset.command === "outage") return { teams: [body.team_a, body.team_b] };
    if (form.dataset.command === "adjudicate" && !body.consequence) delete body.consequence;
    if (form.dataset.command === "note" && !body.team) delete body.team;
    return body;
  },
});

const SCORING_KINDS = /^(expectation|rating|action|hotline|jointop|statement)\./;
new ExerciseSocket({
  exerciseId,
  // Statuses are drawn by the server; the socket brings the recent feed and what follows.
  after: Number(room.dataset.feedFrom),
  onEvent(envelope) {
    clock.follow(envelope);
    if (envelope.kind === "inject.released") markInject(envelope, "released");
    if (envelope.kind === "inject.skipped") markInject(envelope, "skipped");
    if (envelope.kind.startsWith("jointop.")) onOperation(envelope);
    if (envelope.kind === "hotline.cut" || envelope.kind === "hotline.restored") onOutage(envelope);
    if (envelope.kind === "note.added") onNote(envelope);
    if (SCORING_KINDS.test(envelope.kind)) refreshScores();
    logEvent(envelope);
  },
}).start();

refreshScores();
refreshPresence();
window.setInterval(refreshPresence, 10000);
