"""Pausing Python's cyclic garbage collector around a bulk computation.

A reminder pass builds hundreds of thousands of small objects it keeps until it ends (the day's
lines, recipients and messages). Each allocation counts towards the collector's next pass, and
the more of them are alive, the more often a full pass walks all of them again: on a heavy day
that was a third of the reminder pass's CPU (docs/BENCHMARKS.md). They form no cycles:
reference counting frees them when the pass drops them (a heavy pass leaves some 500 objects
in cycles behind, the database layer's, for the next collection). So the collector waits until
the pass is over — meanwhile other tasks' cyclic garbage (rare, small) waits with it, for the
few seconds the pass takes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """Pauses in progress (passes may overlap on the event loop), and whether the collector was
    enabled when the first of them began."""

    active = 0
    was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disables the cyclic collector until the last overlapping pause ends; it is enabled
    again then only if it was enabled when the first one began."""
    if _Pauses.active == 0:
        _Pauses.was_enabled = gc.isenabled()
        gc.disable()
    _Pauses.active += 1
    try:
        yield
    finally:
        _Pauses.active -= 1
        if _Pauses.active == 0 and _Pauses.was_enabled:
            gc.enable()
