// The news wire (media.published), drawn on both consoles as a wire reads: the outlet,
// the time, the headline and the story, newest first. A team's public statement stands
// out as the team's own words. The control room also marks the scenario's scripted items
// as published, and says whom each item reached.
import { el } from "../dom.js";
import { formatTime } from "../exercise-socket.js";
import { place } from "./shared.js";
import { announce } from "./team.js";

function story(envelope) {
  const { data } = envelope;
  const body = el("div", { class: "body" });
  body.innerHTML = data.body_html; // rendered and sanitised by the server; a team's text escaped
  return el("article", { class: `wire-item source-${data.source}`, "data-media": data.key, "data-seq": String(envelope.seq) },
    el("header", {}, el("span", { class: "outlet", text: data.persona_name }), " ",
      el("time", { text: formatTime(envelope.exercise_time) })),
    el("h3", { text: data.headline }),
    body);
}

export function team(page, envelope) {
  place(page.root.querySelector("[data-wire]"), story(envelope));
  const { data } = envelope;
  // A team's public statement was read out as its action, just before: once is enough.
  if (data.source !== "team") announce(page, `On the wire, ${data.persona_name}: ${data.headline}`, envelope);
}

export function room(page, envelope) {
  const { data } = envelope;
  const item = story(envelope);
  item.append(el("p", { class: "meta", text: `${data.key} · ${data.source} · to ${data.to.join(", ")}` }));
  place(page.root.querySelector("[data-wire]"), item);
  const planned = page.root.querySelector(`[data-media-plan="${CSS.escape(data.key)}"] [data-media-status]`);
  if (planned) {
    planned.textContent = "published";
    planned.className = "badge inject-released";
  }
}
