"""A worker body for /ekspor tests: it reports progress, then waits for the test's go-ahead
(the file named by EXPORT_TEST_GATE; the worker drops GEMPUR_ variables) before the real
export, so a test sees the progress message for certain instead of racing the worker."""

from __future__ import annotations

import os
import time
from pathlib import Path

from services.export import ExportJob, ExportResult, export_in_worker, file_progress

GATE = "EXPORT_TEST_GATE"


def gated_export(job: ExportJob) -> ExportResult:
    """Writes progress 1 of 3, waits (at most 30 s) for the gate file, then exports."""
    assert job.progress_path is not None
    file_progress(job.progress_path)(1, 3)
    gate = Path(os.environ[GATE])
    deadline = time.monotonic() + 30
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return export_in_worker(job)
