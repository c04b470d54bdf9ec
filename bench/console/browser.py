"""The control room in Chromium: how long the page takes to draw the whole log, to apply a
feed filter, and to show a live event while the whole log is on screen.

Every time is read inside the page with performance.now(), at the first animation frame
in which the thing is on the page, so the figures include the page's own work and
layout but not Playwright's round trips. The replay is also split at the socket's first
and last frames (the server reads the log before it sends the first; the page handles
each frame as it comes): what is the server's, what the page's.
"""

import statistics
from dataclasses import dataclass

from playwright.sync_api import Browser, Page

VIEWPORT = {"width": 1366, "height": 768}
TIMEOUT_MS = 300_000

# Resolves at the first frame where `ready()` holds, with performance.now() at that frame.
FRAME_WAIT = """
const frameWhen = (ready) => new Promise((resolve) => {
  const look = () => (ready() ? resolve(performance.now()) : requestAnimationFrame(look));
  look();
});
"""

# Notes when the page's socket received its first and last frames.
FRAME_TIMES = """
(() => {
  const Native = window.WebSocket;
  window.benchFrames = { count: 0 };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => {
        const frames = window.benchFrames;
        frames.count += 1;
        frames.last = performance.now();
        frames.first ??= frames.last;
      });
    }
  };
})();
"""

# Time from navigation start (performance's origin) to the frame that shows the newest
# event in the feed with every event applied.
DRAWN = (
    "(last) => {"
    + FRAME_WAIT
    + """
  return frameWhen(() => document.documentElement?.dataset.lastSeq === String(last)
    && document.querySelector(`[data-feed] [data-seq="${last}"]`) !== null);
}"""
)

# Choosing a team in the feed's filter, to the next frame after the change is handled.
FILTER = """
async (team) => {
  const select = document.querySelector("[data-filter=team]");
  const start = performance.now();
  select.value = team;
  select.dispatchEvent(new Event("change", { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - start;
}
"""

# An evaluation note posted from the page, to the frame that shows its feed line: the
# request, the append, the broadcast and the page's drawing.
LIVE = (
    "async ([exercise, text]) => {"
    + FRAME_WAIT
    + """
  const start = performance.now();
  const response = await fetch(`/api/v1/exercises/${exercise}/notes`, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json",
      "X-CSRFToken": document.querySelector("input[name=csrfmiddlewaretoken]").value },
    body: JSON.stringify({ text }),
  });
  const { seq } = await response.json();
  const shown = await frameWhen(() => document.querySelector(`[data-feed] [data-seq="${seq}"]`) !== null);
  return shown - start;
}
"""
)


@dataclass(frozen=True)
class Timings:
    first_frame: list[float]
    last_frame: list[float]
    replay: list[float]
    filter: list[float]
    live: list[float]


def sign_in(browser: Browser, base_url: str, username: str, password: str) -> Page:
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(FRAME_TIMES)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def measure(page: Page, exercise_id: int, last_seq: int, teams: list[str], repeats: int) -> Timings:
    first, last, replay, filtering, live = [], [], [], [], []
    for _ in range(repeats):
        page.goto(f"/facilitator/exercises/{exercise_id}/", wait_until="commit")
        replay.append(page.evaluate(DRAWN, last_seq))
        frames = page.evaluate("window.benchFrames")
        first.append(frames["first"])
        last.append(frames["last"])
    for index in range(repeats):
        filtering.append(page.evaluate(FILTER, teams[index % len(teams)]))
        filtering.append(page.evaluate(FILTER, ""))
    for index in range(repeats):
        live.append(page.evaluate(LIVE, [exercise_id, f"Bench live note {index}"]))
    return Timings(first, last, replay, filtering, live)


def median(samples: list[float]) -> float:
    return statistics.median(samples)
