"""Celery's settings, imported whole by egts/settings.py: the broker, time limits, delivery
guarantees and the beat schedule. Every value comes from the environment, which
egts/settings.py has already filled in from the .env file."""

from environ import Env as _Env

_env = _Env()

CELERY_BROKER_URL = _env("CELERY_BROKER_URL", default=_env("REDIS_URL", default=""))
CELERY_TASK_DEFAULT_QUEUE = _env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = _env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = _env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = _env.int("CELERY_TASK_TIME_LIMIT", default=660)
# A task is acknowledged after it ran, so a worker killed mid-task gives it back to the queue:
# at once when a pool process dies (reject on worker lost), and when the whole worker dies,
# once the visibility timeout has passed. That timeout is just over the longest task (the
# hard time limit): shorter, a task still running would be handed to a second worker;
# longer, a dead worker's task would wait for nothing. Countdowns (mail retries) stay below it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60
    ),
    # Given-back messages are looked for every 10 s instead of every 100 s.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
# A synthesis build beats every SYNTHESIS_HEARTBEAT_SECONDS while it runs; beat looks for
# silent builds every SYNTHESIS_STALE_CHECK_SECONDS and fails those silent for
# SYNTHESIS_STALE_AFTER_SECONDS, with a "Relancer" action: a killed worker shows within a minute.
SYNTHESIS_HEARTBEAT_SECONDS = _env.float("SYNTHESIS_HEARTBEAT_SECONDS", default=10)
SYNTHESIS_STALE_AFTER_SECONDS = _env.int("SYNTHESIS_STALE_AFTER_SECONDS", default=40)
SYNTHESIS_STALE_CHECK_SECONDS = _env.int("SYNTHESIS_STALE_CHECK_SECONDS", default=20)
CELERY_BEAT_SCHEDULE: dict = {
    # Records of recent sendings (double-click protection) outlive their window otherwise.
    "purge-submission-guards": {
        "task": "egts.purge_submission_guards",
        "schedule": 3600.0,
    },
    # Login records past LOGIN_RECORD_RETENTION_DAYS (egts/login_records.py).
    "purge-login-records": {"task": "egts.purge_login_records", "schedule": 24 * 3600.0},
    # Runs whose workers went silent are marked failed (readable error, resumable).
    "analysis-fail-stale-runs": {"task": "analysis.fail_stale_runs", "schedule": 300.0},
    # Pending contributions whose screening (spaCy names, near-copies) never came, because
    # the broker was down when they were submitted: screened by the sweep.
    "contributions-screen-unscreened": {
        "task": "contributions.screen_unscreened",
        "schedule": 600.0,
    },
    # The same for the person names of practices sent to moderation (analysis/tasks.py).
    "analysis-screen-unscreened-practices": {
        "task": "analysis.screen_unscreened_practices",
        "schedule": 600.0,
    },
    # Consensus results and opinion groups, national and per territory (consensus/tasks.py).
    "consensus-refresh-all": {"task": "consensus.refresh_all", "schedule": 900.0},
}
