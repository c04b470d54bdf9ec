// The facilitator's exercise page: clock, inject statuses and the event feed, live.
import { ExerciseClock, ExerciseSocket, formatTime } from "./exercise-socket.js";

const page = document.querySelector("[data-exercise]");
const clock = new ExerciseClock(document.querySelector("[data-clock]"));
const feed = document.querySelector("[data-feed]");
const FEED_LENGTH = 200;

function injectRow(envelope) {
  const existing = document.querySelector(`[data-inject="${CSS.escape(envelope.data.key)}"]`);
  if (existing) return existing;
  // An ad-hoc inject: not in the scenario's list until it is sent.
  const row = document.querySelector("[data-inject-template]").content.firstElementChild.cloneNode(true);
  row.dataset.inject = envelope.data.key;
  row.querySelector("[data-inject-key]").textContent = envelope.data.key;
  row.querySelector("[data-inject-title]").textContent = envelope.data.title;
  row.querySelector("[data-inject-due]").textContent = formatTime(envelope.exercise_time);
  document.querySelector("[data-inject-rows]").append(row);
  return row;
}

function markInject(envelope, status) {
  const row = injectRow(envelope);
  const badge = row.querySelector("[data-inject-status]");
  badge.textContent = status;
  badge.className = `badge inject-${status}`;
  for (const control of row.querySelectorAll("[data-pending-only]")) control.remove();
}

function summary(envelope) {
  const { data } = envelope;
  if (envelope.kind.startsWith("inject.")) return `${data.key}: ${data.title}`;
  if (envelope.kind.startsWith("exercise.")) return `status ${data.status}, speed ${data.speed}×`;
  return "";
}

function logEvent(envelope) {
  const row = document.createElement("li");
  const time = document.createElement("time");
  time.textContent = formatTime(envelope.exercise_time);
  const kind = document.createElement("code");
  kind.textContent = envelope.kind;
  const text = document.createElement("span");
  text.textContent = ` ${summary(envelope)}`;
  row.append(time, " ", kind, text);
  feed.querySelector("[data-empty]")?.remove();
  feed.prepend(row);
  while (feed.children.length > FEED_LENGTH) feed.lastElementChild.remove();
}

new ExerciseSocket({
  exerciseId: page.dataset.exercise,
  // Statuses are drawn by the server; the socket brings the recent feed and what follows.
  after: Number(page.dataset.feedFrom),
  onEvent(envelope) {
    clock.follow(envelope);
    if (envelope.kind === "inject.released") markInject(envelope, "released");
    if (envelope.kind === "inject.skipped") markInject(envelope, "skipped");
    logEvent(envelope);
  },
}).start();
