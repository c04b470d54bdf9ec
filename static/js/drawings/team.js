// How events are drawn on the team console. Each function takes the page (see
// team-console.js: its root, config and what it remembers between events) and one
// envelope; the same function draws the replayed first state and the live updates.
import { el } from "../dom.js";
import { formatTime } from "../exercise-socket.js";
import { commandForm, exerciseStatus, place, sender, textField, words } from "./shared.js";

export { exerciseStatus as status };

// Live events are read out by screen readers; the first state replayed on load is not.
// Politely, after what the reader is saying or the player is typing, except what is
// addressed to this team and waits on it: an inject and an incoming call (urgent).
// docs/accessibility.md says why.
export function announce(page, text, envelope, { urgent = false } = {}) {
  if (envelope.seq <= page.config.lastVisibleSeq) return;
  page.root.querySelector(urgent ? "[data-announce=urgent]" : "[data-announce=polite]").textContent = text;
}

// A list that scrolls within its pane once it is long: reachable by keyboard and named.
function scrolling(tag, label, attributes) {
  return el(tag, { ...attributes, tabindex: "0", "aria-label": label });
}

function messageLine(envelope) {
  return el("li", { "data-seq": String(envelope.seq) }, el("strong", { text: `${sender(envelope.actor)}: ` }), envelope.data.text);
}

// Situation feed and reports ------------------------------------------------------------

export function inject(page, envelope) {
  const { data } = envelope;
  const body = el("div", { class: "body" });
  body.innerHTML = data.body_html; // Markdown rendered and sanitised by the server (nh3)
  const item = el("article", { class: `inject severity-${data.severity}`, "data-seq": String(envelope.seq), "data-inject": data.key },
    el("header", {}, el("h3", { text: data.title }),
      el("p", { class: "meta", text: `${formatTime(envelope.exercise_time)} · ${data.severity} · ${words(data.kind)}` })),
    body);
  const details = el("details", { class: "report" }, el("summary", { text: "Situation report" }));
  const id = `report-${data.key}`;
  const form = el("form", { class: "stack", "data-command": "report", "data-path": `/api/v1/exercises/${page.config.exercise}/reports` },
    el("input", { type: "hidden", name: "inject", value: data.key }),
    el("label", { for: id, text: `Your team's report on ${data.key}` }),
    el("textarea", { id, name: "text", rows: "4", required: "", maxlength: "20000" }),
    el("button", { type: "submit", class: "primary", text: "Submit report" }),
    el("p", { class: "error", role: "alert", "data-error": "" }));
  details.append(el("ol", { class: "reports", "data-reports": "" }), form);
  item.append(details);
  place(page.root.querySelector("[data-feed]"), item);
  if (envelope.seq > page.config.lastVisibleSeq) {
    item.classList.add("fresh");
    window.setTimeout(() => item.classList.remove("fresh"), 6000);
  }
  announce(page, `New inject: ${data.title}`, envelope, { urgent: true });
}

export function report(page, envelope) {
  const list = page.root.querySelector(`[data-inject="${CSS.escape(envelope.data.inject)}"] [data-reports]`);
  list?.append(el("li", {}, el("strong", { text: `${formatTime(envelope.exercise_time)} ${envelope.actor.player}: ` }), envelope.data.text));
}

// Hotlines ------------------------------------------------------------------------------

function hotlinePane(page, data) {
  const other = data.from === page.config.team ? data.to : data.from;
  const pane = el("article", { class: "pane hotline", "data-hotline": String(data.hotline) });
  pane.append(
    el("header", {}, el("h3", { text: `${other} · ${page.names[other]}` }), el("span", { class: "badge", "data-status": "" }), el("small", { "data-waited": "" })),
    scrolling("ol", `Messages with ${other}`, { class: "messages", "aria-live": "polite", "data-messages": "" }),
    commandForm("hotline-message", `/api/v1/hotlines/${data.hotline}/messages`, textField(`hotline-${data.hotline}-text`, `Message to ${other}`), "Send"),
    commandForm("hotline-close", `/api/v1/hotlines/${data.hotline}/close`, [], "Close line"),
  );
  place(page.root.querySelector("[data-hotlines]"), pane);
  return pane;
}

function incomingBanner(page, data) {
  const banner = el("div", { class: "call-banner", "data-call": String(data.hotline) },
    el("p", {}, el("strong", { text: `${data.from} · ${page.names[data.from]}` }), " requests a hotline call. ", el("small", { "data-waited": "" })),
    commandForm("accept", `/api/v1/hotlines/${data.hotline}/accept`, [], "Accept"),
    commandForm("decline", `/api/v1/hotlines/${data.hotline}/decline`, [], "Decline"));
  page.root.querySelector("[data-incoming]").append(banner);
}

// hotline.requested, .accepted, .declined, .message, .closed. `from` and `to` are the
// line's caller and callee; a message's sender is its actor.
export function hotline(page, envelope) {
  const { data } = envelope;
  let line = page.hotlines.get(data.hotline);
  if (!line) {
    line = { data, requestedAt: envelope.exercise_time, pane: hotlinePane(page, data) };
    page.hotlines.set(data.hotline, line);
    if (data.to === page.config.team) {
      incomingBanner(page, data);
      announce(page, `Incoming hotline call from ${page.names[data.from]}`, envelope, { urgent: true });
    }
  }
  line.data = { ...line.data, status: data.status };
  if (envelope.kind === "hotline.message") line.pane.querySelector("[data-messages]").append(messageLine(envelope));
  if (envelope.kind !== "hotline.requested") page.root.querySelector(`[data-call="${data.hotline}"]`)?.remove();
  drawHotline(page, line);
}

export function drawHotline(page, line) {
  const { status } = line.data;
  const badge = line.pane.querySelector("[data-status]");
  badge.textContent = line.cut ? "line down" : status;
  badge.className = `badge hotline-${line.cut ? "cut" : status}`;
  line.pane.querySelector('[data-command="hotline-message"]').hidden = status !== "open";
  line.pane.querySelector('[data-command="hotline-close"]').hidden = !["open", "requested"].includes(status);
  const waiting = status === "requested" ? `waiting ${formatTime(page.now - line.requestedAt)}` : "";
  for (const node of page.root.querySelectorAll(`[data-hotline="${line.data.hotline}"] [data-waited], [data-call="${line.data.hotline}"] [data-waited]`)) {
    node.textContent = waiting;
  }
}

// hotline.cut, hotline.restored
export function outage(page, envelope) {
  const other = envelope.data.teams.find((key) => key !== page.config.team);
  for (const line of page.hotlines.values()) {
    if (line.data.from === other || line.data.to === other) {
      line.cut = envelope.kind === "hotline.cut";
      drawHotline(page, line);
    }
  }
  announce(page, envelope.kind === "hotline.cut" ? `The line to ${page.names[other]} is down.` : `The line to ${page.names[other]} is restored.`, envelope);
}

// Dialogues and statements ----------------------------------------------------------------

// dialogue.convened, dialogue.message
export function dialogue(page, envelope) {
  const { data } = envelope;
  let pane = page.dialogues.get(data.dialogue);
  if (!pane) {
    pane = el("article", { class: "pane dialogue", "data-dialogue": String(data.dialogue) },
      el("header", {}, el("h3", { text: data.title }), el("small", { text: data.participants.join(", ") })),
      el("div", { class: "adopted", "data-adopted": "" }),
      scrolling("ol", `Messages in ${data.title}`, { class: "messages", "aria-live": "polite", "data-messages": "" }),
      scrolling("ul", `Statements in ${data.title}`, { class: "statements", "data-statements": "" }),
      commandForm("dialogue-message", `/api/v1/dialogues/${data.dialogue}/messages`, textField(`dialogue-${data.dialogue}-text`, "Speak in this dialogue"), "Send"),
      commandForm("statement", `/api/v1/dialogues/${data.dialogue}/statements`, textField(`dialogue-${data.dialogue}-statement`, "Propose a statement"), "Propose"));
    page.dialogues.set(data.dialogue, pane);
    place(page.root.querySelector("[data-dialogues]"), pane);
    announce(page, `You are invited to ${data.title}`, envelope);
  }
  if (envelope.kind === "dialogue.message") pane.querySelector("[data-messages]").append(messageLine(envelope));
}

// The texts a statement has had, oldest first: its proposal, then each amendment, with
// who wrote it and when, kept per statement as the events come (page.statements).
function recordText(page, envelope) {
  const { data } = envelope;
  const versions = page.statements.get(data.statement) ?? [];
  if (!versions.some((v) => v.version === (data.version ?? 1))) {
    versions.push({ version: data.version ?? 1, text: data.text, by: envelope.actor, at: envelope.exercise_time, amended: envelope.kind === "statement.amended" });
  }
  page.statements.set(data.statement, versions);
  return versions;
}

// Shown once the text has been amended: a text never amended is its own history.
function textHistory(versions) {
  if (versions.length < 2) return [];
  const details = el("details", { class: "text-history", "data-history": "" },
    el("summary", { text: `Text history (${versions.length} versions)` }));
  details.append(el("ol", {}, ...versions.map((v) => el("li", { "data-version": String(v.version) },
    el("p", { class: "meta", text: `Version ${v.version} · ${formatTime(v.at)} · ${v.amended ? "amended" : "proposed"} by ${sender(v.by)}` }),
    el("blockquote", { text: v.text })))));
  return [details];
}

function reservationList(page, data) {
  const reserved = Object.entries(data.reservations ?? {});
  if (!reserved.length) return [];
  return [el("ul", { class: "reservations", "data-reservations": "" }, ...reserved.map(([key, text]) =>
    el("li", { "data-reservation": key }, el("strong", { text: `Reservation of ${key} · ${page.names[key] ?? key}: ` }), text)))];
}

function endorseForm(data) {
  const id = `statement-${data.statement}-reservation`;
  return commandForm("endorse", `/api/v1/statements/${data.statement}/endorse`, [
    el("input", { type: "hidden", name: "version", value: String(data.version ?? 1) }),
    el("label", { for: id, text: "Reservation (optional)" }),
    el("textarea", { id, name: "reservation", rows: "2", maxlength: "2000", placeholder: "Endorse with a reservation, if any" }),
  ], "Endorse");
}

function amendForm(data) {
  const id = `statement-${data.statement}-amendment`;
  const text = el("textarea", { id, name: "text", rows: "3", required: "", maxlength: "4000" });
  text.defaultValue = data.text; // the current text, to edit; reset brings it back
  return el("details", { class: "amend" }, el("summary", { text: "Amend the text" }),
    commandForm("amend", `/api/v1/statements/${data.statement}/amend`, [
      el("label", { for: id, class: "visually-hidden", text: "Amended text" }), text,
      el("p", { class: "hint", text: "Amending starts the endorsements again: every participant must endorse the new text." }),
    ], "Amend"));
}

// A redraw must not take from a player what they are writing: drafts, open sections and
// the caret of the same version carry over to the new node (once it is in the page).
function keepDrafts(existing, item, sameVersion) {
  if (!existing || !sameVersion) return () => {};
  let focus = () => {};
  for (const field of existing.querySelectorAll("textarea")) {
    const twin = item.querySelector(`textarea[name="${field.name}"]`);
    if (!twin) continue;
    twin.value = field.value;
    if (field === document.activeElement) {
      const { selectionStart, selectionEnd } = field;
      focus = () => { twin.focus(); twin.setSelectionRange(selectionStart, selectionEnd); };
    }
  }
  existing.querySelectorAll("details").forEach((details, n) => {
    const twin = item.querySelectorAll("details")[n];
    if (twin) twin.open = details.open;
  });
  return focus;
}

// statement.proposed, .amended, .endorsed, .adopted. One node per statement: a proposal
// among the statements while it gathers endorsements, then, once adopted, the joint
// statement at the top of the dialogue (the same node, moved and redrawn, so it is never
// shown twice), with its reservations and the history of its text.
export function statement(page, envelope) {
  const { data } = envelope;
  const pane = page.dialogues.get(data.dialogue);
  if (!pane) return;
  const versions = recordText(page, envelope);
  const existing = pane.querySelector(`[data-statement="${data.statement}"]`);
  const version = String(data.version ?? 1);
  const item = data.adopted
    ? el("div", { class: "joint-statement", "data-statement": String(data.statement), "data-version": version },
      el("h4", { text: "Joint statement adopted" }), el("blockquote", { text: data.text }),
      el("p", { class: "meta", text: `Signatories: ${data.endorsed_by.map((k) => page.names[k] ?? k).join(", ")}` }),
      ...reservationList(page, data), ...textHistory(versions))
    : el("li", { class: "statement", "data-statement": String(data.statement), "data-version": version },
      el("blockquote", { text: data.text }),
      el("p", { class: "meta", text: `Version ${version} · endorsed by ${data.endorsed_by.join(", ")}; awaiting ${data.participants.filter((k) => !data.endorsed_by.includes(k)).join(", ")}` }),
      ...reservationList(page, data), ...textHistory(versions), endorseForm(data), amendForm(data));
  if (!data.adopted) item.querySelector('[data-command="endorse"]').hidden = data.endorsed_by.includes(page.config.team);
  const refocus = keepDrafts(existing, item, existing?.dataset.version === version);
  const target = pane.querySelector(data.adopted ? "[data-adopted]" : "[data-statements]");
  if (existing?.parentElement === target) existing.replaceWith(item);
  else {
    existing?.remove();
    target.append(item);
  }
  refocus();
  if (envelope.kind === "statement.adopted") announce(page, "A joint statement has been adopted", envelope);
  if (envelope.kind === "statement.amended" && data.amended_by !== page.config.team) {
    announce(page, `${page.names[data.amended_by] ?? data.amended_by} amended a statement in ${data.title}`, envelope);
  }
}

// Joint operations ------------------------------------------------------------------------

// jointop.proposed, .accepted, .declined, .adjudicated: each carries the whole operation.
export function operation(page, envelope) {
  const { data } = envelope;
  const list = page.root.querySelector("[data-operations]");
  let item = list.querySelector(`[data-operation="${data.operation}"]`);
  if (!item) {
    item = el("article", { class: "pane operation", "data-operation": String(data.operation) },
      el("header", {}, el("h3", { text: `${words(data.kind)} · proposed by ${data.proposer}` }), el("span", { class: "badge", "data-status": "" })),
      el("p", { text: data.objective }),
      el("p", { class: "meta", "data-answers": "" }),
      el("div", { "data-outcome": "" }),
      commandForm("accept", `/api/v1/joint-operations/${data.operation}/accept`, [], "Join operation"),
      commandForm("decline", `/api/v1/joint-operations/${data.operation}/decline`, [], "Decline"));
    place(list, item);
    if (data.partners.includes(page.config.team)) announce(page, `${page.names[data.proposer]} proposes a joint operation`, envelope);
  }
  const status = item.querySelector("[data-status]");
  status.textContent = data.outcome ?? words(data.status);
  status.className = `badge operation-${data.outcome ?? data.status}`;
  item.querySelector("[data-answers]").textContent = data.partners
    .map((key) => `${key}: ${data.answers[key] ?? "no answer yet"}`).join(" · ");
  const mayAnswer = data.partners.includes(page.config.team) && !data.answers[page.config.team];
  for (const form of item.querySelectorAll('[data-command="accept"], [data-command="decline"]')) form.hidden = !mayAnswer;
  if (data.narrative) {
    item.querySelector("[data-outcome]").replaceChildren(el("blockquote", { class: "narrative", text: data.narrative }));
  }
}

// Actions and the escalation ladder ---------------------------------------------------------

export function drawLadder(page) {
  const { ladder, teams, team: own } = page.config;
  const rows = teams.map((team) => el("tr", { class: team.key === own ? "own" : "" },
    el("td", { text: `${team.key} · ${team.name}` }),
    el("td", {}, el("meter", { min: "0", max: String(ladder.length - 1), value: String(page.rungs[team.key]) }),
      ` ${page.rungs[team.key]} · ${ladder[page.rungs[team.key]]}`)));
  page.root.querySelector("[data-ladder]").replaceChildren(...rows);
  page.root.querySelector("[data-own-rung]").textContent = `${page.rungs[own]} · ${ladder[page.rungs[own]]}`;
}

// action.taken: every team sees every state's action, with its text (a public statement).
export function action(page, envelope) {
  const { data } = envelope;
  // The command's own words (players/views.py), as on the buttons: "invite observers".
  const label = page.config.actionLabels?.[data.kind] ?? words(data.kind);
  page.rungs[data.team] = data.escalation;
  drawLadder(page);
  const line = el("li", { "data-seq": String(envelope.seq), "data-action": data.kind },
    el("time", { text: formatTime(envelope.exercise_time) }), " ",
    el("strong", { text: `${data.team} · ${page.names[data.team] ?? data.team}` }), ` ${label}${envelope.actor.player ? ` · ${envelope.actor.player}` : ""}`,
    el("small", { class: "rung", text: ` → ${data.escalation} · ${data.rung}` }));
  if (data.text) line.append(el("blockquote", { text: data.text }));
  place(page.root.querySelector("[data-actions]"), line);
  if (data.team !== page.config.team) {
    announce(page, `${page.names[data.team]}: ${label}${data.text ? `: ${data.text}` : ""}`, envelope);
  }
}
