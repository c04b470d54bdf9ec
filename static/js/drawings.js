// How every event kind is drawn, on each console, in one table: DRAWINGS[kind].team draws
// it on the team console, DRAWINGS[kind].room on the facilitator's control room (null:
// nothing beyond the room's feed line, or the kind never reaches that console). A page's
// first state is the socket's replay of the log from seq 0 and its live updates are the
// events that follow, and both go through apply(), so a page reads the same after a
// reload. On the room every event is also a feed line, in the words of envelope.summary
// (drawings/feed.js), and moves the status board (drawings/board.js).
// A new kind needs an entry here (tests/browser/test_drawings.py checks the list).
import * as board from "./drawings/board.js";
import * as cell from "./drawings/cell.js";
import * as feed from "./drawings/feed.js";
import * as room from "./drawings/room.js";
import { drawStatus } from "./drawings/shared.js";
import * as team from "./drawings/team.js";
import * as wire from "./drawings/wire.js";

const clock = { team: team.status, room: room.status };
const hotline = { team: team.hotline, room: null };
const dialogue = { team: team.dialogue, room: null };
const statement = { team: team.statement, room: null };
const operation = { team: team.operation, room: room.operation };
const outage = { team: team.outage, room: room.outage };
const staffOnly = { team: null, room: null };

export const DRAWINGS = {
  "exercise.started": clock,
  "exercise.paused": clock,
  "exercise.resumed": clock,
  "exercise.speed_changed": clock,
  "exercise.ended": clock,
  "inject.released": { team: team.inject, room: room.injectReleased },
  "inject.skipped": { team: null, room: room.injectSkipped },
  "inject.edited": { team: null, room: room.injectEdited },
  "inject.scheduled": { team: null, room: room.injectScheduled },
  "report.submitted": { team: team.report, room: null },
  "hotline.requested": hotline,
  "hotline.accepted": hotline,
  "hotline.declined": hotline,
  "hotline.message": hotline,
  "hotline.closed": hotline,
  "hotline.cut": outage,
  "hotline.restored": outage,
  "dialogue.convened": dialogue,
  "dialogue.message": dialogue,
  "statement.proposed": statement,
  "statement.endorsed": statement,
  "statement.amended": statement,
  "statement.adopted": statement,
  "jointop.proposed": operation,
  "jointop.accepted": operation,
  "jointop.declined": operation,
  "jointop.adjudicated": operation,
  "action.taken": { team: team.action, room: null },
  "cell.message": { team: cell.team, room: cell.room },
  "media.published": { team: wire.team, room: wire.room },
  "expectation.met": staffOnly,
  "expectation.missed": staffOnly,
  "rating.given": staffOnly,
  "note.added": { team: null, room: room.note },
};

// A page: { console: "team" | "room", root, firstStateSeq, status, ready, ... }, where
// firstStateSeq is the last seq the page could see when the server rendered it.
export function begin(page) {
  page.status = "draft"; // until an exercise.* event says otherwise
  page.ready = page.firstStateSeq === 0;
  if (page.console === "room") {
    feed.start(page);
    board.start(page);
  }
  drawStatus(page);
}

export function apply(page, envelope) {
  DRAWINGS[envelope.kind]?.[page.console]?.(page, envelope);
  if (page.console === "room") {
    feed.record(page, envelope);
    board.follow(page, envelope);
  }
  if (!page.ready && envelope.seq >= page.firstStateSeq) {
    page.ready = true; // the first state is drawn: status-dependent controls may show
    drawStatus(page);
  }
}
