// The exercise socket client: one per page. It opens the socket, hands each event to
// the page's renderers in seq order, fetches what it missed when an event's `prev` is
// past the last seq it holds, and reconnects with backoff, resuming from that seq.

const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404]);
const MAX_BACKOFF_MS = 15000;

export class ExerciseSocket {
  constructor({ exerciseId, onEvent, onState = () => {}, after = 0 }) {
    this.exerciseId = exerciseId;
    this.onEvent = onEvent;
    this.onState = onState;
    this.lastSeq = after;
    this.attempt = 0;
    this.queue = Promise.resolve();
    this.socket = null;
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this.setState("offline"));
  }

  start() {
    this.connect();
    return this;
  }

  connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${window.location.host}/ws/exercises/${this.exerciseId}/?after=${this.lastSeq}`;
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.attempt = 0;
      this.setState("live");
    });
    socket.addEventListener("message", (message) => {
      const envelope = JSON.parse(message.data);
      this.queue = this.queue.then(() => this.receive(envelope)).catch((error) => console.error(error));
    });
    socket.addEventListener("close", (closed) => this.closed(socket, closed.code));
  }

  closed(socket, code) {
    if (socket !== this.socket) return;
    if (FINAL_CLOSE_CODES.has(code)) {
      this.setState("offline", code === 4401 ? "Signed out: reload the page to sign in again." : "Not allowed.");
      return;
    }
    if (!navigator.onLine) {
      this.setState("offline");
      return;
    }
    this.attempt += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (this.attempt - 1)) * (0.75 + Math.random() / 2);
    this.setState("reconnecting");
    this.retry = window.setTimeout(() => this.connect(), delay);
  }

  // Back online: the old socket may be dead without the browser knowing, so drop it and
  // resume from the last seq on a fresh one (the server sends nothing twice).
  reconnectNow() {
    window.clearTimeout(this.retry);
    const old = this.socket;
    this.socket = null;
    old?.close();
    this.attempt = 0;
    this.connect();
  }

  async receive(envelope) {
    if (envelope.seq <= this.lastSeq) return;
    if (envelope.prev > this.lastSeq) await this.catchUp(envelope.seq);
    if (envelope.seq > this.lastSeq) this.apply(envelope);
  }

  async catchUp(before) {
    const response = await fetch(`/api/v1/exercises/${this.exerciseId}/events?after=${this.lastSeq}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`catching up failed: ${response.status}`);
    for (const envelope of await response.json()) {
      if (envelope.seq < before && envelope.seq > this.lastSeq) this.apply(envelope);
    }
  }

  apply(envelope) {
    this.lastSeq = envelope.seq;
    document.documentElement.dataset.lastSeq = String(envelope.seq);
    this.onEvent(envelope);
  }

  setState(state, detail = "") {
    this.state = state;
    for (const badge of document.querySelectorAll("[data-connection]")) {
      badge.dataset.connection = state;
      badge.textContent = detail || { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" }[state];
    }
    this.onState(state);
  }
}

// Exercise time on screen: the last clock event, moved on by the wall time since.
export class ExerciseClock {
  constructor(element) {
    this.element = element;
    const data = element.dataset;
    this.offset = Date.parse(data.serverNow) - Date.now();
    this.set({ status: data.status, speed: Number(data.speed), time: Number(data.time), at: data.serverNow });
    window.setInterval(() => this.render(), 1000);
  }

  set({ status, speed, time, at }) {
    Object.assign(this, { status, speed, time, at: Date.parse(at) });
    this.render();
  }

  follow(envelope) {
    if (!envelope.kind.startsWith("exercise.")) return;
    const { status, speed } = envelope.data;
    this.set({ status, speed, time: envelope.exercise_time, at: envelope.at });
  }

  now() {
    if (this.status !== "running") return this.time;
    return this.time + ((Date.now() + this.offset - this.at) / 1000) * this.speed;
  }

  render() {
    this.element.querySelector("[data-clock-time]").textContent = formatTime(this.now());
    const status = this.element.querySelector("[data-clock-status]");
    if (status) {
      status.textContent = this.status;
      status.className = `badge status-${this.status}`;
    }
    const speed = this.element.querySelector("[data-clock-speed]");
    if (speed) speed.textContent = `${Number(this.speed.toFixed(2))}×`;
  }
}

export function formatTime(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = String(Math.floor((total % 3600) / 60)).padStart(2, "0");
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${m}:${s}` : `${m}:${s}`;
}
