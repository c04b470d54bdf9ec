// The review's replay: moving the slider fetches the exercise as it stood at that moment.
// Without JavaScript the form still works as a plain GET of the whole page.

import { formatTime } from "./exercise-socket.js";

const form = document.querySelector("form[data-replay]");
const target = document.getElementById("replay-state");

if (form && target) {
  const slider = form.querySelector("#replay-time");
  const team = form.querySelector("#replay-team");
  const shown = form.querySelector("#replay-clock");
  let timer = null;
  let latest = 0;

  async function load() {
    const params = new URLSearchParams({ t: slider.value, as: team.value });
    const asked = ++latest;
    target.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${form.dataset.replay}?${params}`, { headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const html = await response.text();
      if (asked === latest) target.innerHTML = html;  // the server escaped every text in it
    } catch (error) {
      if (asked === latest) target.querySelector(".meta")?.replaceChildren(`Could not load this moment (${error.message}). Try again.`);
    } finally {
      if (asked === latest) target.removeAttribute("aria-busy");
    }
  }

  function soon() {
    shown.value = formatTime(Number(slider.value));
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  }

  slider.addEventListener("input", soon);
  team.addEventListener("change", load);
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
}
