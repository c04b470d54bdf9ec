// The team console: every instrument of the team, drawn from the event stream by
// drawings.js. The socket replays the team's log from seq 0 and then brings live events;
// both go through the same drawings, so a reload shows the same room.
import { wireForms } from "./commands.js";
import { apply, begin } from "./drawings.js";
import { drawHotline, drawLadder } from "./drawings/team.js";
import { ExerciseClock, ExerciseSocket } from "./exercise-socket.js";
import { wireTabs } from "./tabs.js";

const config = JSON.parse(document.getElementById("console-data").textContent);

const page = {
  console: "team",
  root: document.querySelector(".console"),
  config,
  clock: new ExerciseClock(document.querySelector("[data-clock]")),
  firstStateSeq: config.lastVisibleSeq,
  names: Object.fromEntries(config.teams.map((t) => [t.key, t.name])),
  rungs: Object.fromEntries(config.teams.map((t) => [t.key, 0])),
  hotlines: new Map(),
  dialogues: new Map(),
  statements: new Map(), // each statement's texts, for its history (drawings/team.js)
  now: 0,
};

begin(page);
drawLadder(page);
wireTabs(document.querySelector("[data-briefing-tabs]"));
wireForms(page.root, {
  prepare(form, body) {
    if (form.dataset.command === "cell-message" && !body.persona) delete body.persona; // to the cell at large
    return body;
  },
});
// Leaving asks first (a native confirm: keyboard and screen-reader ready): a stray press
// must not drop a player out of the exercise.
document.querySelector("form[data-leave]").addEventListener("submit", (submitted) => {
  if (!window.confirm(submitted.currentTarget.dataset.confirm)) submitted.preventDefault();
});
window.setInterval(() => {
  page.now = page.clock.now();
  for (const line of page.hotlines.values()) if (line.data.status === "requested") drawHotline(page, line);
}, 1000);

new ExerciseSocket({
  exerciseId: config.exercise,
  onEvent(envelope) {
    page.now = envelope.exercise_time;
    apply(page, envelope);
  },
}).start();
