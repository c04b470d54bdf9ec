"""The edge every request passes: who is calling, how often, and how refusals are answered."""
