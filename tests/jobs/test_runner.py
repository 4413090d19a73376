"""The job runner: the one executor of csops."""

from __future__ import annotations

import threading
import time

import pytest

from csops.jobs.runner import Runner, default_jobs


def test_one_job_runs_each_at_once_in_the_callers_thread() -> None:
    seen: list[tuple[int, bool]] = []
    with Runner(1) as runner:
        for i in range(3):
            runner.submit(
                lambda i: seen.append((i, threading.current_thread() is threading.main_thread())), i
            )
            assert len(seen) == i + 1  # done before submit returned
    assert seen == [(0, True), (1, True), (2, True)]


def test_several_jobs_run_side_by_side_and_the_block_waits_for_all() -> None:
    started = threading.Barrier(2, timeout=10)
    done: list[int] = []

    def job(i: int) -> None:
        started.wait()  # only passes when two jobs run at once
        time.sleep(0.05)
        done.append(i)

    with Runner(3) as runner:
        runner.submit(job, 1)
        runner.submit(job, 2)
    assert sorted(done) == [1, 2]


@pytest.mark.parametrize("jobs", [1, 4])
def test_a_jobs_error_is_raised_by_wait_in_submission_order(jobs: int) -> None:
    def fail(message: str) -> None:
        raise OSError(message)

    with pytest.raises(OSError, match="first"):
        with Runner(jobs) as runner:
            runner.submit(fail, "first")
            runner.submit(fail, "second")


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_leaving_the_block_runs_every_job_submitted_even_more_than_the_threads(jobs: int) -> None:
    done: list[int] = []

    def job(i: int) -> None:
        time.sleep(0.02)
        done.append(i)

    with Runner(jobs) as runner:
        for i in range(8):
            runner.submit(job, i)
    assert sorted(done) == list(range(8))


def test_a_stopped_runner_starts_nothing_more_and_no_job_runs_after_stop() -> None:
    started = threading.Event()
    release = threading.Event()
    done: list[int] = []

    def slow(i: int) -> None:
        started.set()
        release.wait(5)
        done.append(i)

    runner = Runner(2)  # one thread beside the caller's
    runner.submit(slow, 1)
    runner.submit(slow, 2)  # queued behind the first
    assert started.wait(5)
    threading.Timer(0.1, release.set).start()
    runner.stop()  # waits for the running job, cancels the queued one
    assert done == [1]
    with pytest.raises(RuntimeError, match="stopped"):
        runner.submit(slow, 3)


def test_the_default_is_the_cores_this_process_may_use() -> None:
    assert Runner().jobs == default_jobs()
    assert default_jobs() >= 1
