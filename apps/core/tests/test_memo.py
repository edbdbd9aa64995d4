"""The data stamps (database triggers) and the shared memo: one computation seen by every process,
a new computation when the published data change. Real database, no mocks."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from apps.core.memo import Memo, clear_process_memos
from apps.core.stamp import TRACKED, data_stamp, install_triggers
from apps.councils.models import Council
from apps.indicators.models import Indicator, Observation

D = dt.date(2020, 3, 31)


def _indicator(code: str = "memo_test_measure") -> Indicator:
    return Indicator.objects.create(
        code=code, title="SYNTHETIC test measure", unit="percent", polarity="higher_worse",
        source="test", definition="SYNTHETIC",
    )  # fmt: skip


def _observation(indicator: Indicator, council: Council, value: float, period="2019-20"):
    return Observation.objects.create(
        council=council, indicator=indicator, period=period, period_end=D, value=value,
        source_file="SYNTHETIC", published=D, vintage=D,
    )  # fmt: skip


@pytest.mark.django_db
def test_every_write_changes_the_stamp_of_its_table_only():
    council = Council.objects.order_by("gss_code").first()
    indicator = _indicator()
    stamps = [data_stamp("indicators.Observation", "councils.Council")]

    def changed() -> tuple:
        now = data_stamp("indicators.Observation", "councils.Council")
        before = stamps[-1]
        stamps.append(now)
        return tuple(a != b for a, b in zip(before, now, strict=True))

    row = _observation(indicator, council, 1.0)
    kept = _observation(indicator, council, 1.0, period="2020-21")
    assert changed() == (True, False)
    Observation.objects.filter(pk=row.pk).update(value=2.0)  # an update in place
    assert changed() == (True, False)
    Observation.objects.filter(pk=row.pk).delete()  # a delete that leaves the highest id alone
    assert changed() == (True, False)
    Council.objects.filter(pk=council.pk).update(name=council.name)
    assert changed() == (False, True)
    with connection.cursor() as cursor:  # raw SQL is seen too
        cursor.execute(f"UPDATE {Observation._meta.db_table} SET value = 3 WHERE id = {kept.pk}")
    assert changed() == (True, False)
    assert len(set(stamps)) == len(stamps)  # never a stamp seen before


@pytest.mark.django_db
def test_a_transaction_of_many_statements_stamps_once_until_the_stamp_is_read():
    """An importer's executemany is one statement per row: the trigger must not rewrite the stamp
    row for each (on PostgreSQL that grew quadratically: CI stalled for 18 minutes in one
    import). A read in between re-arms it, so a result computed mid-transaction is never keyed
    by the stamp of data written after it."""
    council = Council.objects.order_by("gss_code").first()
    indicator = _indicator()
    before = data_stamp("indicators.Observation")
    table = Observation._meta.db_table
    with connection.cursor() as cursor:

        def stamp_updates() -> int:
            if connection.vendor != "postgresql":
                return 0
            cursor.execute(
                "SELECT n_tup_upd + n_tup_ins FROM pg_stat_xact_user_tables "
                "WHERE relname = 'core_datastamp'"
            )
            row = cursor.fetchone()
            return row[0] if row else 0

        start = stamp_updates()
        cursor.executemany(
            f"INSERT INTO {table} (council_id, indicator_id, period, period_end, value, "
            "text_value, source_file, published, vintage) VALUES (%s, %s, %s, %s, %s, '', "
            "'SYNTHETIC', %s, %s)",
            [(council.pk, indicator.pk, f"p{i}", D, float(i), D, D) for i in range(3000)],
        )
        assert stamp_updates() - start <= 1  # once, not 3,000 times (PostgreSQL)
    after = data_stamp("indicators.Observation")
    assert after != before
    _observation(indicator, council, 1.0, period="later")  # a write after the read
    assert data_stamp("indicators.Observation") != after


@pytest.mark.django_db
def test_triggers_are_installed_on_every_tracked_table_and_reinstalling_is_harmless():
    assert len(install_triggers()) == len(TRACKED)
    assert len(install_triggers()) == len(TRACKED)
    before = data_stamp("indicators.Indicator")
    _indicator("memo_test_second")
    assert data_stamp("indicators.Indicator") != before


def _racing(memos: list[Memo], key, compute) -> list:
    results = [None] * len(memos)

    def run(i: int) -> None:
        try:
            results[i] = memos[i].get(key, compute)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(memos))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_processes_asking_at_once_share_one_computation():
    """Two memos of one name stand for two gunicorn processes (each its own in-process layer):
    asked for the same key at the same moment, one computes and the other reads its result."""
    calls = []

    def compute() -> dict:
        calls.append(threading.get_ident())
        time.sleep(0.5)  # long enough for the other to arrive while it runs
        return {"value": len(calls)}

    name = "test_race"
    results = _racing([Memo(name), Memo(name)], ("race", time.time()), compute)
    assert len(calls) == 1
    assert results == [{"value": 1}, {"value": 1}]


@pytest.mark.django_db(transaction=True)
def test_threads_of_one_process_share_one_computation():
    calls = []
    memo = Memo("test_threads")

    def compute() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 42

    assert _racing([memo, memo, memo], ("threads", time.time()), compute) == [42, 42, 42]
    assert len(calls) == 1


@pytest.mark.django_db
def test_a_result_survives_the_process_and_new_data_make_a_new_one():
    council = Council.objects.order_by("gss_code").first()
    indicator = _indicator()
    _observation(indicator, council, 10.0)
    calls = []

    def total() -> float:
        calls.append(1)
        return sum(Observation.objects.filter(indicator=indicator).values_list("value", flat=True))

    def ask(memo: Memo) -> float:
        return memo.get(("total", data_stamp("indicators.Observation")), total)

    first = Memo("test_total")
    assert ask(first) == 10.0
    clear_process_memos()  # a restarted process, or another one: only the shared cache is left
    restarted = Memo("test_total")
    assert ask(restarted) == 10.0
    assert len(calls) == 1
    _observation(indicator, council, 5.0, period="2020-21")  # new data: a new stamp, a new total
    assert ask(restarted) == 15.0
    assert ask(Memo("test_total")) == 15.0
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_failed_computation_is_not_remembered_and_the_next_asker_computes():
    memo = Memo("test_failure", wait=2)
    key = ("fails once", time.time())
    with pytest.raises(ZeroDivisionError):
        memo.get(key, lambda: 1 / 0)
    assert not memo.peek(key)
    assert Memo("test_failure", wait=2).get(key, lambda: "second") == "second"


@pytest.mark.django_db
def test_cached_only_loads_what_others_computed_and_computes_nothing():
    from apps.core.memo import NotCached, cached_only

    computed = Memo("test_loading")
    computed.get(("ready", 1), lambda: "from another process")
    fresh = Memo("test_loading")  # a new worker: nothing in its memory
    fresh.clear()
    calls = []
    with cached_only():
        assert fresh.get(("ready", 1), lambda: calls.append(1)) == "from another process"
        with pytest.raises(NotCached):
            fresh.get(("not ready", 1), lambda: calls.append(1))
    assert calls == []
    assert fresh.get(("not ready", 1), lambda: "computed outside") == "computed outside"
