// The team page: the clock and the situation feed of released injects, live.
import { ExerciseClock, ExerciseSocket, formatTime } from "./exercise-socket.js";

const page = document.querySelector("[data-exercise]");
const clock = new ExerciseClock(document.querySelector("[data-clock]"));
const feed = document.querySelector("[data-feed]");
const announcer = document.querySelector("[data-announce]");
// Events up to this seq were history when the page was drawn; later ones are news.
const seenAtLoad = Number(page.dataset.lastVisibleSeq);

function renderInject(envelope) {
  const { data } = envelope;
  const item = document.createElement("article");
  item.className = `inject severity-${data.severity}`;
  item.dataset.seq = envelope.seq;
  const header = document.createElement("header");
  const title = document.createElement("h3");
  title.textContent = data.title;
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = `${formatTime(envelope.exercise_time)} · ${data.severity} · ${data.kind.replace("_", " ")}`;
  header.append(title, meta);
  const body = document.createElement("div");
  body.className = "body";
  // body_html is Markdown rendered and sanitised on the server (nh3, a short allow-list).
  body.innerHTML = data.body_html;
  item.append(header, body);
  feed.querySelector("[data-empty]")?.remove();
  feed.prepend(item);
  if (envelope.seq > seenAtLoad) {
    item.classList.add("fresh");
    announcer.textContent = `New inject: ${data.title}`;
    window.setTimeout(() => item.classList.remove("fresh"), 6000);
  }
}

new ExerciseSocket({
  exerciseId: page.dataset.exercise,
  onEvent(envelope) {
    clock.follow(envelope);
    if (envelope.kind === "inject.released") renderInject(envelope);
  },
}).start();
