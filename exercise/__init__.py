"""The exercise domain: scenarios, exercises, teams, the event log and the clock."""
