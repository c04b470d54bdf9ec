// The control room's live feed: one line per event, newest first, in the words of
// envelope.summary (the review's words). The page keeps every event it has seen as a small
// record and draws only the newest lines that pass the filters, a window that grows as the
// list is scrolled: a log of 10,000 events costs 10,000 records, not 10,000 list items.
// Lines are drawn once per animation frame, and not at all while the page replays the log
// up to its first state (page.ready), so a replay costs one drawing, not one per event.
import { el } from "../dom.js";
import { formatTime } from "../exercise-socket.js";

const WINDOW = 100; // lines drawn at first, and added each time the list is scrolled to its end

export function start(page) {
  const root = page.root;
  page.feed = {
    records: [], // every event, in seq order
    matching: [], // those that pass the filters, in seq order
    filters: { team: "", instrument: "", kind: "" },
    shown: WINDOW, // how many of the newest matching lines the list may hold
    drawnUpTo: 0, // matching.length when the list was last drawn
    redraw: true, // the list must be drawn afresh (first state, new filters)
    frame: 0,
    list: root.querySelector("[data-feed]"),
    more: root.querySelector("[data-more]"),
    count: root.querySelector("[data-feed-count]"),
  };
  page.feed.more.addEventListener("click", () => showMore(page));
  // Scrolling to the end of the list draws the next window, as the button does.
  new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) showMore(page);
  }, { root: root.querySelector("[data-feed-scroll]") }).observe(page.feed.more);
}

function teamsOf(envelope) {
  const { data, actor } = envelope;
  return [...new Set([actor.team, data.team, data.from, data.to, data.proposer, data.met_by, ...(data.teams ?? []),
    ...(data.participants ?? []), ...(data.partners ?? []), ...(Array.isArray(data.to) ? data.to : [])]
    .filter((key) => typeof key === "string" && key))];
}

function passes(filters, record) {
  return (!filters.team || record.teams.includes(filters.team))
    && (!filters.instrument || record.family === filters.instrument)
    && (!filters.kind || record.kind === filters.kind);
}

// Every event: a record, and its line at the next frame if it passes the filters.
export function record(page, envelope) {
  const { feed } = page;
  const item = { seq: envelope.seq, kind: envelope.kind, family: envelope.kind.split(".")[0], teams: teamsOf(envelope),
    time: envelope.exercise_time, summary: envelope.summary };
  feed.records.push(item);
  if (passes(feed.filters, item)) feed.matching.push(item);
  drawSoon(page);
}

export function filter(page, name, value) {
  const { feed } = page;
  feed.filters[name] = value;
  feed.matching = feed.records.filter((item) => passes(feed.filters, item));
  feed.shown = WINDOW;
  feed.redraw = true;
  feed.list.parentElement.scrollTop = 0; // before drawing, so as not to force a layout of the new lines
  draw(page);
  return feed.matching.length;
}

function line(item) {
  return el("li", { "data-seq": String(item.seq), "data-kind": item.kind },
    el("time", { text: formatTime(item.time) }), " ", el("code", { text: item.kind }), " ", el("span", { text: item.summary }));
}

function drawSoon(page) {
  if (!page.feed.frame) page.feed.frame = requestAnimationFrame(() => { page.feed.frame = 0; if (page.ready) draw(page); });
}

function draw(page) {
  const { feed } = page;
  const { matching, list } = feed;
  if (feed.redraw) {
    const newest = matching.slice(Math.max(0, matching.length - feed.shown)).reverse();
    list.replaceChildren(...newest.map(line));
    if (!newest.length) list.append(el("li", { class: "empty", text: feed.records.length ? "No event passes the filters." : "No events yet." }));
    feed.redraw = false;
  } else if (matching.length > feed.drawnUpTo) {
    list.querySelector(".empty")?.remove();
    const fresh = document.createDocumentFragment();
    for (let index = matching.length - 1; index >= feed.drawnUpTo; index -= 1) fresh.append(line(matching[index]));
    list.prepend(fresh);
    while (list.children.length > feed.shown) list.lastElementChild.remove();
  }
  feed.drawnUpTo = matching.length;
  drawCount(page);
}

function showMore(page) {
  const { feed } = page;
  const drawn = feed.list.querySelectorAll("[data-seq]").length;
  if (!page.ready || drawn >= feed.matching.length) return;
  feed.shown = drawn + WINDOW;
  const older = document.createDocumentFragment();
  const end = feed.drawnUpTo - drawn; // the index after the oldest line drawn
  for (let index = end - 1; index >= Math.max(0, end - WINDOW); index -= 1) older.append(line(feed.matching[index]));
  feed.list.append(older);
  drawCount(page);
}

function drawCount(page) {
  const { feed } = page;
  const drawn = feed.list.querySelectorAll("[data-seq]").length;
  const total = feed.records.length.toLocaleString("en");
  const matching = feed.matching.length.toLocaleString("en");
  feed.count.textContent = feed.matching.length === feed.records.length ? `${total} events` : `${matching} of ${total} events`;
  feed.more.hidden = drawn >= feed.matching.length;
}
