"""Peer team building: plain Python over plain records (no Django, no HTTP).

`rules` reads the sector's team rules (team_rules.toml); `eligibility` applies the per-peer
rules and names what empties a candidate pool; `greedy` forms rule-abiding teams quickly (the
solver's first incumbent and the benchmark's baseline); `presolve`, `model` and `solver` improve
on it with OR-Tools CP-SAT in bounded stages; `diagnosis` explains missing teams truthfully;
`check` re-checks any team against every rule; `calendar` counts working days; `csvio` reads and
writes the CLI's CSV contract.
"""
