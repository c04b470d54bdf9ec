"""What the after-action review says about a scripted Karst Pass run: the JSON, the page,
the PDF and the CSV, and what facilitators write into it (findings, plan items)."""

import csv
import io
import re
from html import unescape

import pypdf
import pytest

from exercise.demo.played import DRV_RESERVATION
from exercise.errors import Invalid
from exercise.models import Event, ImprovementItem, ObjectiveFinding
from exercise.review import event_rows, plan, report
from facilitator import charts
from tests import builders
from tests.review.conftest import staff_client
from tests.review.played import (
    ACTION_TEXT,
    FEEDBACK_TEXT,
    FORMULA_NAME,
    HOTLINE_TEXT,
    HOTWASH_TEXT,
    MARKUP,
    NAMES,
)

pytestmark = pytest.mark.django_db

TEAMS = ["DRV", "SRK", "ULM", "ESM"]


def review_json(run) -> dict:
    response = builders.ApiClient(staff_client(run.facilitator)).get(
        f"/api/v1/exercises/{run.exercise.pk}/review", token=run.facilitator.token
    )
    assert response.status_code == 200
    return response.json()


def by_seq(review: dict) -> dict[int, dict]:
    return {row["seq"]: row for row in review["timeline"]}


def first(review: dict, kind: str, /, **where) -> dict:
    """The first timeline row of a kind whose data (or actor team) matches ``where``."""
    for row in review["timeline"]:
        if row["kind"] != kind:
            continue
        fields = row["data"] | {"actor_team": row["actor"].get("team")}
        if all(fields.get(k) == v for k, v in where.items()):
            return row
    raise AssertionError(f"no {kind} with {where}")


def assert_escaped(html: str, text: str) -> None:
    """The text is on the page as text: present once unescaped, never as live markup."""
    assert text not in html
    assert text in unescape(html)


# --- the JSON review ---------------------------------------------------------------


def test_overview_names_the_exercise_its_teams_and_their_players(karst_run):
    review = review_json(karst_run)
    assert review["exercise"]["name"] == "Karst Pass review run"
    assert review["exercise"]["status"] == "ended"
    assert review["exercise"]["started_at"] and review["exercise"]["ended_at"]
    assert review["exercise"]["events"] == Event.objects.filter(exercise=karst_run.exercise).count()
    ended = first(review, "exercise.ended")
    assert review["exercise"]["duration"] == pytest.approx(ended["exercise_time"])
    assert review["scenario"]["key"] == "karst-pass"
    assert review["scenario"]["title"] == "Exchange of Fire at Karst Pass"
    assert [t["key"] for t in review["teams"]] == TEAMS
    assert {t["key"]: t["players"] for t in review["teams"]} == {k: [n] for k, n in NAMES.items()}
    # The scenario's points, and the national ones: DRV kept the restraint on raising its
    # alert (E12) and proposed the verification (E14), SRK accepted it (E15), ULM convened
    # the talks itself (E13); ESM never shared its survey records (E16).
    assert {t["key"]: t["total"] for t in review["teams"]} == {"DRV": 75, "SRK": 30, "ULM": 20, "ESM": 0}
    assert {t["key"]: t["escalation"] for t in review["teams"]} == dict.fromkeys(TEAMS, 0)


def test_timeline_is_every_event_in_seq_order(karst_run):
    review = review_json(karst_run)
    stored = list(Event.objects.filter(exercise=karst_run.exercise).order_by("seq").values_list("seq", "kind"))
    assert [(row["seq"], row["kind"]) for row in review["timeline"]] == stored
    assert [row["seq"] for row in review["timeline"]] == list(range(1, len(stored) + 1))
    hotline = first(review, "hotline.message", text=HOTLINE_TEXT)
    assert hotline["by"] == f"DRV ({NAMES['DRV']})"
    assert hotline["recipients"] == ["DRV", "SRK"]
    assert HOTLINE_TEXT in hotline["text"]  # stored and returned exactly as written


def test_objectives_carry_ratings_and_decided_expectations_with_their_evidence(karst_run):
    review = review_json(karst_run)
    rows = by_seq(review)
    objectives = {o["key"]: o for o in review["objectives"]}
    assert list(objectives) == ["O1", "O2", "O3", "O4"]

    o1 = objectives["O1"]
    assert [r["rating"] for r in o1["ratings"]["DRV"]["ratings"]] == ["P"]
    assert [r["rating"] for r in o1["ratings"]["SRK"]["ratings"]] == ["S"]
    assert o1["ratings"]["SRK"]["ratings"][0]["note"].startswith("Accepted promptly")
    assert o1["ratings"]["ULM"] is None and o1["ratings"]["ESM"] is None
    decided = [(d["expectation"], d["team"], d["status"]) for d in o1["expectations"]]
    assert decided == [
        ("E1", "DRV", "met"),
        ("E2", "SRK", "met"),
        ("E5", "DRV", "met"),
        ("E11", "DRV", "missed"),
        ("E11", "SRK", "missed"),
        ("E11", "ESM", "missed"),
    ]
    assert (o1["met"], o1["missed"]) == (3, 3)

    # Each met expectation points at the event that met it: the right kind, by the right team.
    evidence = {
        ("E1", "DRV"): ("hotline.requested", "DRV"),
        ("E2", "SRK"): ("hotline.accepted", "SRK"),
        ("E5", "DRV"): ("hotline.message", "DRV"),
    }
    for d in o1["expectations"]:
        decision = rows[d["seq"]]
        assert decision["kind"] == f"expectation.{d['status']}"
        assert decision["data"]["expectation"] == d["expectation"]
        if d["status"] == "met":
            kind, team = evidence[(d["expectation"], d["team"])]
            assert rows[d["decided_by"]]["kind"] == kind
            assert rows[d["decided_by"]]["actor"]["team"] == team
            assert d["decided_by"] < d["seq"]
        else:
            assert d["decided_by"] is None
            assert d["points"] == 0

    o2 = {(d["expectation"], d["team"]): d for d in objectives["O2"]["expectations"]}
    assert {pair: d["status"] for pair, d in o2.items()} == {
        ("E4", "DRV"): "met",
        ("E4", "SRK"): "missed",
        # The restraint: SRK raised its alert after the footage went round, DRV held back.
        ("E12", "DRV"): "met",
        ("E12", "SRK"): "missed",
    }
    statement = rows[o2[("E4", "DRV")]["decided_by"]]
    assert statement["kind"] == "action.taken" and statement["data"]["kind"] == "public_statement"
    # SRK broke it with its raised alert and earned nothing; DRV kept it until the window
    # closed, with no act of its own to point at.
    raised = first(review, "action.taken", team="SRK", kind="raise_alert")
    assert (o2[("E12", "SRK")]["decided_by"], o2[("E12", "SRK")]["points"]) == (raised["seq"], 0)
    assert (o2[("E12", "DRV")]["decided_by"], o2[("E12", "DRV")]["points"]) == (None, 10)
    assert (objectives["O3"]["met"], objectives["O3"]["missed"]) == (1, 4)
    assert (objectives["O4"]["met"], objectives["O4"]["missed"]) == (3, 1)


def test_inject_response_times_are_release_to_first_move(karst_run):
    review = review_json(karst_run)
    injects = {i["key"]: i for i in review["injects"]}
    assert list(injects) == ["I1", "I3", "I4", "I5", "I6", "I7", "I8", "I9", "I10"]  # I2 never went out

    # I1 went to DRV and SRK; DRV's first move was the call, SRK's the answer.
    release = first(review, "inject.released", key="I1")
    call = first(review, "hotline.requested", actor_team="DRV")
    answer = first(review, "hotline.accepted", actor_team="SRK")
    i1 = injects["I1"]
    assert i1["released_at"] == release["exercise_time"]
    assert set(i1["responses"]) == {"DRV", "SRK"}  # ULM and ESM were not sent it
    assert i1["target"] == 600  # its shortest expectation window, 10 minutes
    assert i1["responses"]["DRV"]["seconds"] == pytest.approx(call["exercise_time"] - release["exercise_time"])
    assert i1["responses"]["DRV"]["seq"] == call["seq"]
    assert i1["responses"]["DRV"]["pace"] == "prompt"  # 2 minutes: within half the window
    assert i1["responses"]["SRK"]["seconds"] == pytest.approx(answer["exercise_time"] - release["exercise_time"])
    assert i1["responses"]["SRK"]["pace"] == "on-time"  # just over 5 minutes: within the window

    # I4 went to DRV alone, and DRV's first move after it was a hotline question.
    release = first(review, "inject.released", key="I4")
    question = next(
        row
        for row in review["timeline"]
        if row["kind"] == "hotline.message" and row["seq"] > release["seq"] and row["actor"]["team"] == "DRV"
    )
    assert set(injects["I4"]["responses"]) == {"DRV"}
    assert injects["I4"]["responses"]["DRV"]["seconds"] == pytest.approx(
        question["exercise_time"] - release["exercise_time"]
    )

    # Nobody in ULM or ESM moved after I7: no response.
    for key in ("ULM", "ESM"):
        assert injects["I7"]["responses"][key] == {"seconds": None, "seq": None, "pace": "none"}


def test_chart_series_follow_the_log(karst_run):
    review = review_json(karst_run)
    series = review["charts"]
    totals = {t["key"]: t["total"] for t in review["teams"]}
    for key in TEAMS:
        assert series["score"][key][0] == [0.0, 0]
        assert series["score"][key][-1][1] == totals[key]
        values = [v for _, v in series["score"][key]]
        assert values == sorted(values)  # points are only ever earned
    met_by_drv = [
        row["exercise_time"]
        for row in review["timeline"]
        if row["kind"] == "expectation.met" and (row["data"]["team"] or row["data"]["met_by"]) == "DRV"
    ]
    steps = [t for (t, v), (_, before) in zip(series["score"]["DRV"][1:], series["score"]["DRV"]) if v > before]
    assert steps == met_by_drv

    # SRK raised its alert (rung 1) and lowered it again; DRV never left rung 0.
    raised = first(review, "action.taken", team="SRK", kind="raise_alert")
    lowered = first(review, "action.taken", team="SRK", kind="lower_alert")
    assert series["escalation"]["SRK"] == [[0.0, 0], [raised["exercise_time"], 1], [lowered["exercise_time"], 0]]
    assert {v for _, v in series["escalation"]["DRV"]} == {0}
    assert series["end"] == pytest.approx(first(review, "exercise.ended")["exercise_time"])


def test_trust_snapshots_end_at_the_final_matrix_worked_out_by_hand(karst_run):
    review = review_json(karst_run)
    snapshots = review["charts"]["trust"]
    assert len(snapshots) == 6
    assert snapshots[0]["exercise_time"] == 0
    assert all(v == 0 for row in snapshots[0]["trust"].values() for v in row.values())
    times = [s["exercise_time"] for s in snapshots]
    assert times == sorted(times)
    # DRV's trust in SRK: +1 the call was answered, -0.5 SRK raised its alert, +1 the joint
    # statement, +1 SRK joined the verification, +2 it succeeded, +0.5 SRK lowered its alert.
    expected = {
        "DRV": {"SRK": 5.0, "ULM": 1.0, "ESM": 1.0},
        # +0.5 DRV called, +1 the statement, +0.5 DRV lowered its alert, +2 the verification.
        "SRK": {"DRV": 4.0, "ULM": 1.0, "ESM": 1.0},
        "ULM": {"DRV": 1.5, "SRK": 1.0, "ESM": 1.0},
        "ESM": {"DRV": 1.5, "SRK": 1.0, "ULM": 1.0},
    }
    assert review["scores"]["trust"] == expected
    assert snapshots[-1]["trust"] == expected
    # Each snapshot is the matrix as it stood then, which the replay also computes.
    for snapshot in snapshots[1:-1]:
        state = report.replay(
            caller=karst_run.facilitator.caller, exercise=karst_run.fresh(), moment=snapshot["exercise_time"]
        )
        assert state["trust"] == snapshot["trust"]


def test_network_counts_who_talked_to_whom_by_instrument(karst_run):
    review = review_json(karst_run)
    links = {(tuple(link["teams"]), link["instrument"]): link["count"] for link in review["charts"]["network"]}
    hotline_messages = sum(1 for row in review["timeline"] if row["kind"] == "hotline.message")
    assert hotline_messages == 5
    assert links == {
        (("DRV", "SRK"), "hotline"): 5,
        (("DRV", "SRK"), "joint operation"): 2,  # proposed by DRV, accepted by SRK
        # ESM's message, ULM's proposed statement and SRK's amendment of it each reach the
        # other three participants.
        (("ULM", "ESM"), "dialogue"): 2,
        (("DRV", "ESM"), "dialogue"): 1,
        (("DRV", "ULM"), "dialogue"): 1,
        (("DRV", "SRK"), "dialogue"): 1,
        (("SRK", "ESM"), "dialogue"): 2,
        (("SRK", "ULM"), "dialogue"): 2,
    }


def test_the_joint_statement_carries_its_reservation_and_the_history_of_its_text(karst_run):
    review = review_json(karst_run)
    [joint] = review["statements"]
    amended = first(review, "statement.amended")
    assert joint["title"] == "Highland Security Dialogue"
    assert joint["text"] == amended["data"]["text"]
    assert "notify each other before moving forces" in joint["text"]
    assert joint["signatories"] == sorted(TEAMS)
    assert joint["reservations"] == {"DRV": DRV_RESERVATION}
    assert [(v["version"], v["team"], v["amended"]) for v in joint["versions"]] == [
        (1, "ULM", False),
        (2, "SRK", True),
    ]
    assert joint["versions"][0]["text"] == amended["data"]["previous"]
    assert joint["versions"][1]["seq"] == amended["seq"]
    adopted = by_seq(review)[joint["seq"]]
    assert adopted["kind"] == "statement.adopted"
    assert adopted["data"]["reservations"] == {"DRV": DRV_RESERVATION}
    assert f"Reservation of DRV: {DRV_RESERVATION}" in adopted["text"]
    # Endorsements of the first text lapsed: DRV endorsed it, then had to endorse again.
    endorsements = [r for r in review["timeline"] if r["kind"] == "statement.endorsed"]
    assert [(r["actor"]["team"], r["data"]["version"]) for r in endorsements] == [
        ("DRV", 1),
        ("ESM", 2),
        ("ULM", 2),
        ("DRV", 2),
    ]
    assert endorsements[-1]["data"]["reservation"] == DRV_RESERVATION


def test_notes_hotwash_plan_and_feedback(karst_run):
    review = review_json(karst_run)
    assert [n["data"]["text"] for n in review["notes"]] == [
        "SRK raised its alert right after the media inject: watch escalation."
    ]
    assert review["notes"][0]["data"]["team"] == "SRK"
    assert [(n["text"], n["author"]) for n in review["hotwash"]] == [
        (HOTWASH_TEXT, karst_run.facilitator.user.username)
    ]
    assert review["improvements"] == [
        {
            "id": review["improvements"][0]["id"],
            "area": "Alert raised without notice to the other party.",
            "action": "Add a notification step to the alert procedure.",
            "objective": "O2",
            "organisation": "Sarnek Ministry of Defence",
            "owner": "Director of Operations",
            "start": "2027-01-04",
            "due": "2027-03-31",
            "status": "not_started",
            "status_label": "Not started",
        }
    ]
    summary = review["feedback"]
    assert summary["count"] == 2
    assert summary["realism"] == 3.5 and summary["usefulness"] == 4.5
    named, anonymous = summary["answers"]
    assert (named["team"], named["name"]) == ("ULM", NAMES["ULM"])
    assert (anonymous["team"], anonymous["name"]) == (None, None)
    assert anonymous["went_well"] == FEEDBACK_TEXT


# --- the page ----------------------------------------------------------------------


def test_review_page_shows_the_key_facts(karst_run):
    response = staff_client(karst_run.facilitator).get(f"/exercises/{karst_run.exercise.pk}/review/")
    assert response.status_code == 200
    html = response.content.decode()
    text = unescape(html)
    assert "After-action review: Karst Pass review run" in text
    for team, name in NAMES.items():
        assert team in text and name in text
    for objective in ("O1", "O2", "O3", "O4"):
        assert f'id="objective-{objective}"' in html
    assert "Expectations: 3 met, 3 missed" in text  # O1
    assert "Exchange of fire at Karst Pass border post" in text
    assert "SRK raised its alert right after the media inject" in text
    assert "Alert raised without notice to the other party." in text
    assert text.count("<svg") >= 5
    evidence = re.findall(r'href="\?after=(\d+)#event-(\d+)"', html)
    assert evidence and all(int(after) == int(seq) - 1 for after, seq in evidence)
    assert "As it stood at" in text


def test_review_page_prints_the_joint_statement_with_its_reservation_and_history(karst_run):
    html = staff_client(karst_run.facilitator).get(f"/exercises/{karst_run.exercise.pk}/review/").content.decode()
    section = unescape(html[html.index('id="statements"') : html.index('id="replay"')])
    assert "Highland Security Dialogue" in section
    assert "notify each other before moving forces within 10 km of the pass" in section
    assert f"Reservation of DRV: {DRV_RESERVATION}" in " ".join(re.sub("<[^>]+>", "", section).split())
    assert "Text history (2 versions)" in section
    assert "amended by SRK" in section


def test_player_text_is_escaped_on_the_review_page(karst_run):
    html = staff_client(karst_run.facilitator).get(f"/exercises/{karst_run.exercise.pk}/review/").content.decode()
    assert "<script>alert" not in html
    assert "<b>mortars</b>" not in html
    assert_escaped(html, HOTLINE_TEXT)
    assert_escaped(html, ACTION_TEXT)
    assert_escaped(html, FEEDBACK_TEXT)
    assert_escaped(html, HOTWASH_TEXT)


def test_player_text_is_escaped_in_the_replay_and_the_debrief(karst_run):
    from tests.review.conftest import player_client

    replay = staff_client(karst_run.facilitator).get(
        f"/exercises/{karst_run.exercise.pk}/review/replay", {"t": 100000, "as": "ESM"}
    )
    assert replay.status_code == 200
    assert_escaped(replay.content.decode(), ACTION_TEXT)
    debrief = player_client(karst_run.players["DRV"]).get("/team/debrief/")
    assert debrief.status_code == 200
    html = debrief.content.decode()
    assert "<script>alert" not in html
    assert_escaped(html, HOTLINE_TEXT)
    assert_escaped(html, ACTION_TEXT)


def test_chart_labels_are_escaped():
    hostile = f"{MARKUP}&co"
    drawn = [
        charts.time_chart({hostile: [(0.0, 0), (60.0, 5)]}, end=120, title=hostile, unit="points"),
        charts.trust_heatmap({hostile: {"B": 1.0}, "B": {hostile: -1.0}}, [hostile, "B"], title=hostile),
        charts.network([{"teams": [hostile, "B"], "instrument": "hotline", "count": 3}], [hostile, "B"]),
    ]
    for svg in drawn:
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg
        assert "&co" not in svg.replace("&amp;co", "")


def test_review_charts_never_carry_player_markup(karst_run):
    data = report.review(caller=karst_run.facilitator.caller, exercise=karst_run.fresh(), timeline=False)
    for name, svg in charts.review_charts(data).items():
        assert "<script" not in svg, name
        assert svg.count("<svg") == 1, name


# --- the PDF -----------------------------------------------------------------------


@pytest.fixture
def pdf_text(karst_run) -> str:
    response = staff_client(karst_run.facilitator).get(f"/exercises/{karst_run.exercise.pk}/review.pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) > 3
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_report_contains_the_exercise_objectives_and_teams(pdf_text):
    flat = " ".join(pdf_text.split())
    assert "Karst Pass review run" in flat
    assert "After-Action Report" in flat
    for objective in ("O1:", "O2:", "O3:", "O4:"):
        assert objective in flat
    assert "DRV" in flat and "Republic of Dravonia" in flat
    assert "Page 1 of" in flat
    assert "Sarnek Ministry of Defence" in flat  # the improvement plan


def test_pdf_prints_player_markup_as_text(pdf_text):
    flat = " ".join(pdf_text.split())
    # WeasyPrint draws what the template gives it: escaped markup comes out as the characters.
    # ESM's marked-up public statement left its rung alone, but it went out on the news
    # wire, whose items the printed log lists.
    assert " ".join(FEEDBACK_TEXT.split()) in flat
    assert f"public statement by Republic of Esmir: {' '.join(ACTION_TEXT.split())}" in flat


def test_pdf_prints_the_joint_statement_with_its_reservation_and_history(pdf_text):
    flat = " ".join(pdf_text.split())
    section = flat[flat.index("6. Joint statements") : flat.index("7. Key events")]
    assert "Highland Security Dialogue, adopted at" in section
    assert "notify each other before moving forces within 10 km of the pass." in section
    assert "Signatories: DRV, ESM, SRK, ULM; the text went through 2 versions." in section
    assert f"Reservation of DRV: {' '.join(DRV_RESERVATION.split())}" in section
    assert "Version Time By Text" in section
    assert "border marker 47 under the chair's observation." in section  # the first text, as proposed


def test_pdf_lists_the_news_wire(pdf_text):
    flat = " ".join(pdf_text.split())
    assert "News wire M1 from Highland News Agency: “Gunfire reported at Karst Pass crossing”" in flat
    assert "News wire M2 from Highland News Agency: “Capitals weigh Ulmare offer of talks”" in flat


# --- the CSV -----------------------------------------------------------------------


@pytest.fixture
def csv_rows(karst_run) -> list[list[str]]:
    response = staff_client(karst_run.facilitator).get(f"/exercises/{karst_run.exercise.pk}/events.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(builders.whole(response).content.decode("utf-8"))))


def test_csv_has_the_documented_header_and_one_row_per_event(karst_run, csv_rows):
    header, *rows = csv_rows
    assert header == list(event_rows.COLUMNS)
    assert len(rows) == Event.objects.filter(exercise=karst_run.exercise).count()
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    column = {name: i for i, name in enumerate(header)}
    message = next(r for r in rows if r[column["kind"]] == "hotline.message" and MARKUP in r[column["text"]])
    assert message[column["actor_team"]] == "DRV"
    assert message[column["recipients"]] == "DRV SRK"
    assert message[column["audience"]] == "teams"


def test_csv_neutralises_formula_looking_player_text(csv_rows):
    header, *rows = csv_rows
    player = header.index("actor_player")
    written_by_esm = [r for r in rows if r[header.index("actor_team")] == "ESM"]
    assert written_by_esm
    assert {r[player] for r in written_by_esm} == {"'" + FORMULA_NAME}
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


# --- findings ----------------------------------------------------------------------


def test_findings_start_as_a_draft_and_become_the_facilitators_text(karst_run):
    run = karst_run
    draft = {o["key"]: o["findings"] for o in review_json(run)["objectives"]}["O1"]
    assert draft["drafted"] is True
    assert "- DRV: hotline requested within 10m of inject I1 (met, 10 points)." in draft["strengths"]
    assert "- DRV rated P by" in draft["strengths"]
    assert "- ESM: hotline accepted within 15m of inject I10: missed." in draft["areas"]

    client = staff_client(run.facilitator)
    page = client.get(f"/exercises/{run.exercise.pk}/review/").content.decode()
    assert "A draft from the log" in page
    response = client.post(
        f"/exercises/{run.exercise.pk}/review/findings/O1",
        {"O1-strengths": "The hotline was used within minutes.", "O1-areas": "Nobody answered Esmir."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/exercises/{run.exercise.pk}/review/#objective-O1")
    saved = {o["key"]: o["findings"] for o in review_json(run)["objectives"]}
    assert saved["O1"] == {
        "strengths": "The hotline was used within minutes.",
        "areas": "Nobody answered Esmir.",
        "drafted": False,
    }
    assert saved["O2"]["drafted"] is True
    assert ObjectiveFinding.objects.filter(exercise=run.exercise).count() == 1


def test_an_invalid_findings_form_keeps_every_draft_on_the_page(karst_run):
    client = staff_client(karst_run.facilitator)
    response = client.post(
        f"/exercises/{karst_run.exercise.pk}/review/findings/O2",
        {"O2-strengths": "x" * 20_001, "O2-areas": "Kept as typed."},
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Kept as typed." in html
    o1 = re.search(r'<textarea name="O1-strengths"[^>]*>(.*?)</textarea>', html, re.S)
    assert o1 and "hotline requested within 10m of inject I1" in o1.group(1)
    assert not ObjectiveFinding.objects.exists()


def post_unknown_objective(run):
    return staff_client(run.facilitator).post(
        f"/exercises/{run.exercise.pk}/review/findings/O9", {"O9-strengths": "x", "O9-areas": ""}
    )


def test_findings_for_an_unknown_objective_answer_404_and_save_nothing(karst_run):
    response = post_unknown_objective(karst_run)
    assert response.status_code == 404
    assert not ObjectiveFinding.objects.exists()


# --- the improvement plan ----------------------------------------------------------

ITEM = {
    "area": "Alerts go out unannounced.",
    "action": "Notify the other party first.",
    "objective": "O2",
    "organisation": "Dravonian General Staff",
    "owner": "J3",
    "start": "2027-02-01",
    "due": "2027-05-01",
}


def post_item(run, changes: dict, drop: tuple[str, ...] = ()):
    body = {k: v for k, v in (ITEM | changes).items() if k not in drop}
    api = builders.ApiClient(staff_client(run.facilitator))
    return api.post(f"/api/v1/exercises/{run.exercise.pk}/improvements", body, token=run.facilitator.token)


def assert_error(response, status: int, path: str) -> None:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "invalid"
    assert body["error"]["message"]
    assert path in {d["path"] for d in body["error"]["details"]}, body


def test_api_adds_and_lists_plan_items(karst_run):
    response = post_item(karst_run, {"status": "in_progress"})
    assert response.status_code == 201
    item = response.json()
    assert item | {"id": 0} == ITEM | {"id": 0, "status": "in_progress", "status_label": "In progress"}
    listed = builders.ApiClient(staff_client(karst_run.facilitator)).get(
        f"/api/v1/exercises/{karst_run.exercise.pk}/improvements", token=karst_run.facilitator.token
    )
    assert listed.status_code == 200
    assert item in listed.json()
    assert len(listed.json()) == 2


def test_api_item_defaults_to_not_started_and_needs_no_start_or_objective(karst_run):
    response = post_item(karst_run, {}, drop=("start", "objective"))
    assert response.status_code == 201
    assert response.json()["status"] == "not_started"
    assert response.json()["start"] is None and response.json()["objective"] is None


@pytest.mark.parametrize("status", ["not_started", "in_progress", "complete"])
def test_api_accepts_each_status(karst_run, status):
    assert post_item(karst_run, {"status": status}).json()["status"] == status


@pytest.mark.parametrize(
    ("changes", "drop", "path"),
    [
        ({}, ("due",), "due"),
        ({"due": "31/12/2027"}, (), "due"),
        ({"due": "2027-02-30"}, (), "due"),
        ({"start": "next week"}, (), "start"),
        ({"start": "2027-06-01", "due": "2027-05-01"}, (), "due"),
        ({"objective": "O9"}, (), "objective"),
        ({"status": "done"}, (), "status"),
        ({"status": "Complete"}, (), "status"),
        ({"owner": "   "}, (), "owner"),
        ({"area": ""}, (), "area"),
    ],
    ids=[
        "missing-due",
        "due-not-iso",
        "due-not-a-day",
        "start-not-a-date",
        "due-before-start",
        "unknown-objective",
        "unknown-status",
        "status-label-not-value",
        "blank-owner",
        "blank-area",
    ],
)
def test_api_refuses_an_invalid_item_with_the_contract_error(karst_run, changes, drop, path):
    assert_error(post_item(karst_run, changes, drop), 400, path)
    assert ImprovementItem.objects.filter(exercise=karst_run.exercise).count() == 1  # the write-up's


@pytest.mark.parametrize("due", [None, 20270501], ids=["none", "a-number"])
def test_service_refuses_a_plan_item_without_a_due_date(karst_run, due):
    with pytest.raises(Invalid) as refused:
        plan.add_improvement(caller=karst_run.facilitator.caller, exercise=karst_run.fresh(), **(ITEM | {"due": due}))
    assert refused.value.details == [{"path": "due", "message": "a date, YYYY-MM-DD"}]


def form_of(item: dict) -> dict:
    return {k: v for k, v in (item | {"status": item.get("status", "not_started")}).items() if v is not None}


def test_page_form_adds_a_plan_item(karst_run):
    response = staff_client(karst_run.facilitator).post(
        f"/exercises/{karst_run.exercise.pk}/review/improvements", form_of(ITEM | {"status": "complete"})
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#improvements")
    added = ImprovementItem.objects.get(exercise=karst_run.exercise, owner="J3")
    assert added.status == "complete" and str(added.due) == "2027-05-01" and added.objective.key == "O2"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due": ""}, "This field is required."),
        ({"due": "31/31/2027"}, "Enter a valid date."),
        ({"start": "2027-06-01", "due": "2027-05-01"}, "The due date is before the start date."),
        ({"objective": "O9"}, "Select a valid choice."),
        ({"status": "done"}, "Select a valid choice."),
    ],
    ids=["missing-due", "bad-date", "due-before-start", "unknown-objective", "unknown-status"],
)
def test_page_form_rerenders_an_invalid_item_with_everything_typed(karst_run, changes, message):
    typed = form_of(ITEM | {"area": "Alerts <go> out & nobody knows."} | changes)
    response = staff_client(karst_run.facilitator).post(
        f"/exercises/{karst_run.exercise.pk}/review/improvements", typed
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in unescape(html)
    form = html[html.index('class="stack improvement-form"') :]
    assert "Alerts &lt;go&gt; out &amp; nobody knows.</textarea>" in form
    assert 'value="Dravonian General Staff"' in form
    assert 'value="J3"' in form
    assert ImprovementItem.objects.filter(exercise=karst_run.exercise).count() == 1


def test_hotwash_notes_are_added_from_the_page(karst_run):
    client = staff_client(karst_run.facilitator)
    response = client.post(f"/exercises/{karst_run.exercise.pk}/review/hotwash", {"text": "Call earlier."})
    assert response.status_code == 302 and response["Location"].endswith("#hotwash")
    assert [n["text"] for n in review_json(karst_run)["hotwash"]] == [HOTWASH_TEXT, "Call earlier."]
    empty = client.post(f"/exercises/{karst_run.exercise.pk}/review/hotwash", {"text": ""})
    assert empty.status_code == 400
    assert len(review_json(karst_run)["hotwash"]) == 2


# --- odd query parameters ----------------------------------------------------------


@pytest.mark.parametrize("query", ["t=nan", "t=inf", "t=-inf", "t=abc", "t=-5", "after=inf", "after=nan", "after=x"])
def test_odd_query_parameters_never_break_the_page(karst_run, query):
    client = staff_client(karst_run.facilitator)
    assert client.get(f"/exercises/{karst_run.exercise.pk}/review/?{query}").status_code == 200
    if query.startswith("t="):
        assert client.get(f"/exercises/{karst_run.exercise.pk}/review/replay?{query}").status_code == 200


# --- following the plan through ---------------------------------------------------------


def plan_item(run) -> ImprovementItem:
    return ImprovementItem.objects.filter(exercise=run.exercise).first()


def test_the_api_moves_an_item_through_the_plan(karst_run):
    item = plan_item(karst_run)
    api = builders.ApiClient(staff_client(karst_run.facilitator))
    path = f"/api/v1/exercises/{karst_run.exercise.pk}/improvements/{item.pk}"

    response = api.client.patch(path, data='{"status": "in_progress"}', content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    assert plan_item(karst_run).status == "in_progress"


def test_a_bad_status_or_item_is_refused_and_changes_nothing(karst_run):
    item = plan_item(karst_run)
    client = staff_client(karst_run.facilitator)
    base = f"/api/v1/exercises/{karst_run.exercise.pk}/improvements"

    bad = client.patch(f"{base}/{item.pk}", data='{"status": "done-ish"}', content_type="application/json")
    missing = client.patch(f"{base}/999999", data='{"status": "complete"}', content_type="application/json")

    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["path"] == "status"
    assert missing.status_code == 404
    assert plan_item(karst_run).status == item.status


def test_the_page_sets_a_status_for_facilitators_only(karst_run):
    item = plan_item(karst_run)
    path = f"/exercises/{karst_run.exercise.pk}/review/improvements/{item.pk}/status"

    refused = staff_client(builders.staff("evaluator")).post(path, {"status": "complete"})
    done = staff_client(karst_run.facilitator).post(path, {"status": "complete"})

    assert refused.status_code == 403
    assert done.status_code == 302 and done["Location"].endswith("#improvements")
    assert plan_item(karst_run).status == "complete"


def test_the_printed_log_lists_moves_up_to_its_limit_and_counts_the_rest(karst_run, monkeypatch):
    exercise = karst_run.fresh()
    caller = karst_run.facilitator.caller
    everything = report.key_events(caller=caller, exercise=exercise)
    kinds = [row["kind"] for row in everything["rows"]]
    rungs = [
        (row["data"]["team"], row["data"]["escalation"]) for row in everything["rows"] if row["kind"] == "action.taken"
    ]

    monkeypatch.setattr(report, "PRINTED_EVENTS", 5)
    capped = report.key_events(caller=caller, exercise=exercise)

    assert everything["left_out"] == 0 and "hotline.message" not in kinds and "inject.released" in kinds
    standing: dict[str, int] = {}
    for team, rung in rungs:  # only actions that moved their team on the ladder are listed
        assert standing.get(team, 0) != rung
        standing[team] = rung
    assert capped["rows"] == everything["rows"][:5]
    assert capped["left_out"] == len(everything["rows"]) - 5
