"""The event registers: every row dated and sourced, themed by the 2024 best value guidance, read
strictly; public warning signs count only from the day they became public."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from apps.core.importers import ImportProblem
from apps.early_warning.services.events import (
    EVENTS_DIR,
    REGISTERS,
    THEMES,
    all_events,
    events_frame,
    public_intelligence,
    read_register,
)


def test_every_register_row_has_a_date_a_kind_a_theme_and_a_source():
    events = all_events()
    assert {e.register for e in events} == {r.name for r in REGISTERS}
    for event in events:
        assert event.gss_code.startswith("E") and len(event.gss_code) == 9
        assert event.source_url.startswith("http") or event.register == "efs", event
        assert event.themes and set(event.themes) <= set(THEMES), event
        assert event.kind_label != event.kind, event  # every kind has words
    assert len(THEMES) == 7
    croydon = [e for e in events if e.gss_code == "E09000008" and e.register == "s114"]
    assert croydon[0].first_for_council and not croydon[1].first_for_council  # within a register


def test_public_warning_signs_count_only_what_was_public_by_the_date():
    frame = events_frame()
    croydon = "E09000008"
    before = public_intelligence(dt.date(2020, 10, 22), [croydon], frame=frame).row(0, named=True)
    after = public_intelligence(dt.date(2020, 10, 23), [croydon], frame=frame).row(0, named=True)
    # the public interest report of 23 October 2020 counts from that day, not before
    assert after["public_warnings"] == before["public_warnings"] + 1
    assert "public interest report (Oct 2020)" in after["public_warnings__detail"]
    assert after["public_governance"] >= 1
    later = public_intelligence(dt.date(2030, 1, 1), [croydon], frame=frame).row(0, named=True)
    assert later["public_warnings"] == 0  # outside the three-year window


def test_a_bad_register_row_is_refused_naming_file_row_and_column(tmp_path: Path):
    register = next(r for r in REGISTERS if r.name == "auditor")
    text = (EVENTS_DIR / register.file).read_text(encoding="utf-8").splitlines()
    text.append("E09000008,Croydon,2021-01-05,day,public_interest_report,finances,x,https://e.org")
    (tmp_path / register.file).write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ImportProblem) as caught:
        read_register(register, tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{register.file}, row {len(text)}, column 'themes': ")
    assert "unknown theme(s) ['finances']" in message
