"""What of the control room each staff role gets: its side panels (tabs) and the keyboard
shortcuts it is told about. The page's frame reads both; the commands behind them
authorise on the server whatever the page shows."""

from dataclasses import dataclass

from exercise.roles import Role

CONTROL = frozenset({Role.FACILITATOR})
EVALUATE = frozenset({Role.FACILITATOR, Role.EVALUATOR})
EVERY_STAFF = frozenset({Role.FACILITATOR, Role.EVALUATOR, Role.OBSERVER})


@dataclass(frozen=True)
class SideTab:
    """One panel of the side column: a self-contained include, shown as a tab. Its
    template is a `<section class="panel">` (the tab hides the panel's frame); the tab's
    label names it, and `count` shows a number the page keeps (e.g. operations waiting)."""

    key: str
    label: str
    template: str
    roles: frozenset[Role]
    count: bool = False


# In order. A new side panel is one line here, with its own template under facilitator/room/.
SIDE_TABS = (
    SideTab("scores", "Scores", "facilitator/room/scores.html", EVERY_STAFF),
    SideTab("cell", "Control cell", "facilitator/room/cell.html", EVERY_STAFF),
    SideTab("wire", "News wire", "facilitator/room/wire.html", EVERY_STAFF),
    SideTab("trust", "Trust", "facilitator/room/trust.html", EVERY_STAFF),
    SideTab("map", "Map", "facilitator/room/map.html", EVERY_STAFF),
    SideTab("evaluation", "Evaluation", "facilitator/room/evaluation.html", EVALUATE),
    SideTab("adjudication", "Adjudication", "facilitator/room/adjudication.html", CONTROL, count=True),
    SideTab("inject", "Injects", "facilitator/room/adhoc.html", CONTROL),
    SideTab("lines", "Lines", "facilitator/room/outages.html", CONTROL),
    SideTab("teams", "Teams", "facilitator/room/teams.html", EVERY_STAFF),
)


@dataclass(frozen=True)
class Shortcut:
    key: str
    does: str
    roles: frozenset[Role]


SHORTCUTS = (
    Shortcut("p", "pause or resume", CONTROL),
    Shortcut("n", "new inject", CONTROL),
    Shortcut("f", "filter the feed", EVERY_STAFF),
    Shortcut("e", "evaluation note", EVALUATE),
)


def side_tabs(role: Role) -> list[SideTab]:
    return [tab for tab in SIDE_TABS if role in tab.roles]


def shortcuts(role: Role) -> list[Shortcut]:
    """Only the shortcuts of controls this role has: an evaluator is never told about `p`."""
    return [shortcut for shortcut in SHORTCUTS if role in shortcut.roles]
