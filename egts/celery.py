"""The Celery app: JSON only, time limits, configuration from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egts.settings")

app = Celery("egts")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
