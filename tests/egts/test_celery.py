import time

import pytest

from egts.celery import app
from egts.tasks import ping


def test_celery_accepts_json_only_and_has_time_limits():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_soft_time_limit > 0
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit
    assert app.conf.task_acks_late is True


@pytest.mark.celery_worker
def test_ping_runs_on_a_real_worker_through_redis(celery_worker_process):
    # Results are not stored (no result backend): the worker's log proves the run.
    result = ping.apply_async()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if f"Task egts.ping[{result.id}] succeeded" in celery_worker_process.log():
            break
        time.sleep(0.2)
    log = celery_worker_process.log()
    assert f"Task egts.ping[{result.id}] succeeded" in log
    assert "'pong'" in log
