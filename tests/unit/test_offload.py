"""The worker process: another process, its result or its expected error, killed over budget."""

from __future__ import annotations

import os
import time

import pytest

from runtime.offload import (
    WORKER_NICENESS,
    Budget,
    OverBudgetError,
    WorkerFailedError,
    offload,
)
from services.register_read import UnreadableFileError

BUDGET = Budget(seconds=30, memory_bytes=1024 * 1024 * 1024)


def process_id(offset: int) -> int:
    return os.getpid() + offset


def refuse(maximum: int) -> None:
    raise UnreadableFileError("impor.file.too_many_rows", maximum=maximum)


def crash() -> None:
    raise RuntimeError("a bug")


def hang() -> None:
    time.sleep(60)


def hoard() -> int:
    return len(bytearray(4 * 1024 * 1024 * 1024))


async def test_the_function_runs_in_another_process() -> None:
    assert await offload(process_id, 0, budget=BUDGET) != os.getpid()


async def test_an_expected_error_arrives_with_its_params() -> None:
    with pytest.raises(UnreadableFileError) as caught:
        await offload(refuse, 7, budget=BUDGET, expected=(UnreadableFileError,))
    assert (caught.value.key, caught.value.params) == ("impor.file.too_many_rows", {"maximum": 7})


async def test_an_unexpected_error_is_a_failed_worker() -> None:
    with pytest.raises(WorkerFailedError):
        await offload(crash, budget=BUDGET)


async def test_a_worker_over_its_time_is_killed() -> None:
    with pytest.raises(OverBudgetError) as caught:
        await offload(hang, budget=Budget(seconds=0.5, memory_bytes=BUDGET.memory_bytes))
    assert caught.value.resource == "time"


async def test_a_worker_over_its_memory_is_stopped() -> None:
    with pytest.raises(OverBudgetError) as caught:
        await offload(hoard, budget=Budget(seconds=30, memory_bytes=512 * 1024 * 1024))
    assert caught.value.resource == "memory"


async def test_the_worker_runs_at_a_lower_priority_than_the_bot() -> None:
    assert await offload(os.nice, 0, budget=BUDGET) == min(os.nice(0) + WORKER_NICENESS, 19)
