"""The sheets of a scenario workbook and their columns, as API.md and docs/scenarios.md fix them."""

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Tags come last so that a workbook written before them keeps its rows where they were.
SCENARIO_FIELDS = ("key", "title", "summary", "duration", "classification", "read_ahead", "map", "tags")

# Column names in row 1 of each sheet, in the order the export writes them.
SHEETS: dict[str, tuple[str, ...]] = {
    "Scenario": ("Field", "Value"),
    "Objectives": ("Key", "Text", "Team"),
    "Teams": ("Key", "Name", "Summary", "Interests", "Red lines"),
    "Personas": ("Key", "Name", "Role"),
    "MSEL": ("Key", "At", "Trigger", "To", "Kind", "Severity", "Title", "Body"),
    "Expectations": (
        "Inject",
        "Key",
        "Mode",
        "Teams",
        "Event",
        "None",
        "Where",
        "Within",
        "Points",
        "Objective",
    ),
    "Media": ("Key", "At", "Trigger", "Persona", "Headline", "Body", "To"),
    "Scoring": ("Section", "Name", "Weight"),
}
# A scenario has no shape without these; the others may be left out when empty.
REQUIRED_SHEETS = ("Scenario", "Teams", "MSEL")
# Every column a sheet's rows cannot do without; a missing optional column reads as blank.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "Scenario": ("Field", "Value"),
    "Objectives": ("Key",),
    "Teams": ("Key",),
    "Personas": ("Key",),
    "MSEL": ("Key",),
    "Expectations": ("Inject", "Key"),
    "Media": ("Key",),
    "Scoring": ("Section", "Name", "Weight"),
}
# A sheet of explanations for people; the export writes it and the import passes over it.
README_SHEET = "Read me"
