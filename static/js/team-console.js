// The team console: every instrument of the team, kept live from the event stream.
// State is rebuilt from the events the socket replays, so a reload shows the same room.
import { wireForms } from "./commands.js";
import { el } from "./dom.js";
import { ExerciseClock, ExerciseSocket, formatTime } from "./exercise-socket.js";

const config = JSON.parse(document.getElementById("console-data").textContent);
const root = document.querySelector(".console");
const clock = new ExerciseClock(document.querySelector("[data-clock]"));
const announcer = document.querySelector("[data-announce]");
const names = Object.fromEntries(config.teams.map((t) => [t.key, t.name]));
const rungs = Object.fromEntries(config.teams.map((t) => [t.key, 0]));
let now = 0;

function announce(text, envelope) {
  if (envelope.seq > config.lastVisibleSeq) announcer.textContent = text;
}

function place(container, node) {
  container.querySelector("[data-empty]")?.remove();
  container.prepend(node);
}

function commandForm(command, path, fields, label, { reset = true } = {}) {
  const form = el("form", { class: "inline-form", "data-command": command, "data-path": path });
  if (!reset) form.dataset.reset = "false";
  form.append(...fields, el("button", { type: "submit", text: label }), el("p", { class: "error", role: "alert", "data-error": "" }));
  return form;
}

function textField(id, label, limit = 4000) {
  return [el("label", { for: id, class: "visually-hidden", text: label }),
    el("input", { id, name: "text", required: "", maxlength: String(limit), autocomplete: "off", placeholder: label })];
}

function messageLine(data, actor) {
  return el("li", {}, el("strong", { text: `${data.from ?? "Facilitator"} · ${actor.player ?? actor.user ?? ""}: ` }), data.text);
}

// Situation feed and reports ------------------------------------------------------------

function renderInject(envelope) {
  const { data } = envelope;
  const body = el("div", { class: "body" });
  body.innerHTML = data.body_html; // Markdown rendered and sanitised by the server (nh3)
  const item = el("article", { class: `inject severity-${data.severity}`, "data-seq": String(envelope.seq), "data-inject": data.key },
    el("header", {}, el("h3", { text: data.title }),
      el("p", { class: "meta", text: `${formatTime(envelope.exercise_time)} · ${data.severity} · ${data.kind.replaceAll("_", " ")}` })),
    body);
  const details = el("details", { class: "report" }, el("summary", { text: "Situation report" }));
  const id = `report-${data.key}`;
  const form = el("form", { class: "stack", "data-command": "report", "data-path": `/api/v1/exercises/${config.exercise}/reports` },
    el("input", { type: "hidden", name: "inject", value: data.key }),
    el("label", { for: id, text: `Your team's report on ${data.key}` }),
    el("textarea", { id, name: "text", rows: "4", required: "", maxlength: "20000" }),
    el("button", { type: "submit", class: "primary", text: "Submit report" }),
    el("p", { class: "error", role: "alert", "data-error": "" }));
  details.append(el("ol", { class: "reports", "data-reports": "" }), form);
  item.append(details);
  place(root.querySelector("[data-feed]"), item);
  if (envelope.seq > config.lastVisibleSeq) {
    item.classList.add("fresh");
    window.setTimeout(() => item.classList.remove("fresh"), 6000);
  }
  announce(`New inject: ${data.title}`, envelope);
}

function renderReport(envelope) {
  const list = root.querySelector(`[data-inject="${CSS.escape(envelope.data.inject)}"] [data-reports]`);
  list?.append(el("li", {}, el("strong", { text: `${formatTime(envelope.exercise_time)} ${envelope.actor.player}: ` }), envelope.data.text));
}

// Hotlines ------------------------------------------------------------------------------

const hotlines = new Map();

function hotlinePane(data) {
  const other = data.from === config.team ? data.to : data.from;
  const pane = el("article", { class: "pane hotline", "data-hotline": String(data.hotline) });
  const status = el("span", { class: "badge", "data-status": "" });
  const waited = el("small", { "data-waited": "" });
  pane.append(
    el("header", {}, el("h3", { text: `${other} · ${names[other]}` }), status, waited),
    el("ol", { class: "messages", "aria-live": "polite", "data-messages": "" }),
    commandForm("hotline-message", `/api/v1/hotlines/${data.hotline}/messages`, textField(`hotline-${data.hotline}-text`, `Message to ${other}`), "Send"),
    commandForm("hotline-close", `/api/v1/hotlines/${data.hotline}/close`, [], "Close line"),
  );
  place(root.querySelector("[data-hotlines]"), pane);
  return pane;
}

function incomingBanner(data) {
  const banner = el("div", { class: "call-banner", role: "alert", "data-call": String(data.hotline) },
    el("p", {}, el("strong", { text: `${data.from} · ${names[data.from]}` }), " requests a hotline call. ", el("small", { "data-waited": "" })),
    commandForm("accept", `/api/v1/hotlines/${data.hotline}/accept`, [], "Accept"),
    commandForm("decline", `/api/v1/hotlines/${data.hotline}/decline`, [], "Decline"));
  root.querySelector("[data-incoming]").append(banner);
}

function onHotline(envelope) {
  const { data } = envelope;
  let line = hotlines.get(data.hotline);
  if (!line) {
    line = { data, requestedAt: envelope.exercise_time, pane: hotlinePane(data) };
    hotlines.set(data.hotline, line);
    if (data.to === config.team) {
      incomingBanner(data);
      announce(`Incoming hotline call from ${names[data.from]}`, envelope);
    }
  }
  line.data = { ...line.data, status: data.status };
  if (envelope.kind === "hotline.message") line.pane.querySelector("[data-messages]").append(messageLine(data, envelope.actor));
  if (envelope.kind !== "hotline.requested") root.querySelector(`[data-call="${data.hotline}"]`)?.remove();
  drawHotline(line);
}

function drawHotline(line) {
  const { status } = line.data;
  const badge = line.pane.querySelector("[data-status]");
  badge.textContent = line.cut ? "line down" : status;
  badge.className = `badge hotline-${line.cut ? "cut" : status}`;
  line.pane.querySelector('[data-command="hotline-message"]').hidden = status !== "open";
  line.pane.querySelector('[data-command="hotline-close"]').hidden = !["open", "requested"].includes(status);
  const waiting = status === "requested" ? `waiting ${formatTime(now - line.requestedAt)}` : "";
  for (const node of document.querySelectorAll(`[data-hotline="${line.data.hotline}"] [data-waited], [data-call="${line.data.hotline}"] [data-waited]`)) {
    node.textContent = waiting;
  }
}

function onOutage(envelope) {
  const other = envelope.data.teams.find((key) => key !== config.team);
  for (const line of hotlines.values()) {
    if (line.data.from === other || line.data.to === other) {
      line.cut = envelope.kind === "hotline.cut";
      drawHotline(line);
    }
  }
  announce(envelope.kind === "hotline.cut" ? `The line to ${names[other]} is down.` : `The line to ${names[other]} is restored.`, envelope);
}

// Dialogues and statements ----------------------------------------------------------------

const dialogues = new Map();

function onDialogue(envelope) {
  const { data } = envelope;
  let pane = dialogues.get(data.dialogue);
  if (!pane) {
    pane = el("article", { class: "pane dialogue", "data-dialogue": String(data.dialogue) },
      el("header", {}, el("h3", { text: data.title }), el("small", { text: data.participants.join(", ") })),
      el("div", { class: "adopted", "data-adopted": "" }),
      el("ol", { class: "messages", "aria-live": "polite", "data-messages": "" }),
      el("ul", { class: "statements", "data-statements": "" }),
      commandForm("dialogue-message", `/api/v1/dialogues/${data.dialogue}/messages`, textField(`dialogue-${data.dialogue}-text`, "Speak in this dialogue"), "Send"),
      commandForm("statement", `/api/v1/dialogues/${data.dialogue}/statements`, textField(`dialogue-${data.dialogue}-statement`, "Propose a statement"), "Propose"));
    dialogues.set(data.dialogue, pane);
    place(root.querySelector("[data-dialogues]"), pane);
    announce(`You are invited to ${data.title}`, envelope);
  }
  if (envelope.kind === "dialogue.message") pane.querySelector("[data-messages]").append(messageLine(data, envelope.actor));
}

function onStatement(envelope) {
  const { data } = envelope;
  const pane = dialogues.get(data.dialogue);
  if (!pane) return;
  let item = pane.querySelector(`[data-statement="${data.statement}"]`);
  if (!item) {
    item = el("li", { class: "statement", "data-statement": String(data.statement) },
      el("blockquote", { text: data.text }), el("p", { class: "meta", "data-endorsements": "" }),
      commandForm("endorse", `/api/v1/statements/${data.statement}/endorse`, [], "Endorse"));
    pane.querySelector("[data-statements]").append(item);
  }
  const missing = data.participants.filter((key) => !data.endorsed_by.includes(key));
  item.querySelector("[data-endorsements]").textContent = data.adopted
    ? `Adopted by ${data.endorsed_by.join(", ")}`
    : `Endorsed by ${data.endorsed_by.join(", ")}; awaiting ${missing.join(", ")}`;
  item.querySelector('[data-command="endorse"]').hidden = data.adopted || data.endorsed_by.includes(config.team);
  if (envelope.kind === "statement.adopted") {
    item.classList.add("is-adopted");
    pane.querySelector("[data-adopted]").append(el("div", { class: "joint-statement" },
      el("h4", { text: "Joint statement adopted" }), el("blockquote", { text: data.text }),
      el("p", { class: "meta", text: `Signatories: ${data.endorsed_by.map((k) => names[k]).join(", ")}` })));
    announce("A joint statement has been adopted", envelope);
  }
}

// Joint operations ------------------------------------------------------------------------

function onOperation(envelope) {
  const { data } = envelope;
  const list = root.querySelector("[data-operations]");
  let item = list.querySelector(`[data-operation="${data.operation}"]`);
  if (!item) {
    item = el("article", { class: "pane operation", "data-operation": String(data.operation) },
      el("header", {}, el("h3", { text: `${data.kind.replaceAll("_", " ")} · proposed by ${data.proposer}` }), el("span", { class: "badge", "data-status": "" })),
      el("p", { text: data.objective }),
      el("p", { class: "meta", "data-answers": "" }),
      el("div", { "data-outcome": "" }),
      commandForm("accept", `/api/v1/joint-operations/${data.operation}/accept`, [], "Join operation"),
      commandForm("decline", `/api/v1/joint-operations/${data.operation}/decline`, [], "Decline"));
    place(list, item);
    if (data.partners.includes(config.team)) announce(`${names[data.proposer]} proposes a joint operation`, envelope);
  }
  const status = item.querySelector("[data-status]");
  status.textContent = data.outcome ?? data.status.replaceAll("_", " ");
  status.className = `badge operation-${data.outcome ?? data.status}`;
  item.querySelector("[data-answers]").textContent = data.partners
    .map((key) => `${key}: ${data.answers[key] ?? "no answer yet"}`).join(" · ");
  const mayAnswer = data.partners.includes(config.team) && !data.answers[config.team];
  for (const form of item.querySelectorAll('[data-command="accept"], [data-command="decline"]')) form.hidden = !mayAnswer;
  if (data.narrative) {
    item.querySelector("[data-outcome]").replaceChildren(el("blockquote", { class: "narrative", text: data.narrative }));
  }
}

// Actions and the escalation ladder ---------------------------------------------------------

function drawLadder() {
  const rows = config.teams.map((team) => el("tr", { class: team.key === config.team ? "own" : "" },
    el("td", { text: `${team.key} · ${team.name}` }),
    el("td", {}, el("meter", { min: "0", max: String(config.ladder.length - 1), value: String(rungs[team.key]) }),
      ` ${rungs[team.key]} · ${config.ladder[rungs[team.key]]}`)));
  root.querySelector("[data-ladder]").replaceChildren(...rows);
  root.querySelector("[data-own-rung]").textContent = `${rungs[config.team]} · ${config.ladder[rungs[config.team]]}`;
}

function onAction(envelope) {
  rungs[envelope.data.team] = envelope.data.escalation;
  drawLadder();
  if (envelope.data.team !== config.team) {
    announce(`${names[envelope.data.team]}: ${envelope.data.kind.replaceAll("_", " ")}`, envelope);
  }
}

// Wiring ----------------------------------------------------------------------------------

const handlers = [
  ["inject.released", renderInject],
  ["report.", renderReport],
  ["hotline.cut", onOutage],
  ["hotline.restored", onOutage],
  ["hotline.", onHotline],
  ["dialogue.", onDialogue],
  ["statement.", onStatement],
  ["jointop.", onOperation],
  ["action.taken", onAction],
];

drawLadder();
wireForms(root);
window.setInterval(() => {
  now = clock.now();
  for (const line of hotlines.values()) if (line.data.status === "requested") drawHotline(line);
}, 1000);

new ExerciseSocket({
  exerciseId: config.exercise,
  onEvent(envelope) {
    clock.follow(envelope);
    if (envelope.kind.startsWith("exercise.")) root.querySelector("[data-draft-notice]")?.remove();
    if (envelope.kind === "exercise.ended") root.querySelector("[data-debrief]")?.removeAttribute("hidden");
    now = envelope.exercise_time;
    const found = handlers.find(([prefix]) => envelope.kind.startsWith(prefix));
    if (found) found[1](envelope);
  },
}).start();
