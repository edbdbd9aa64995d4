"""Peer team building: plain Python over plain records (no Django, no HTTP).

`rules` reads the sector's team rules (team_rules.toml); `eligibility` applies the per-peer
rules and names what empties a candidate pool; `solver` forms optimal teams with OR-Tools
CP-SAT; `check` re-checks any team (a hand swap, a greedy team) against every rule; `greedy` is
the baseline the benchmark compares against; `csvio` reads and writes the CLI's CSV contract.
"""
