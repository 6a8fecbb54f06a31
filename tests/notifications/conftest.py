import pytest

from itsm.celery import app as celery_app


@pytest.fixture(autouse=True)
def reply_domain(settings):
    settings.NOTIFICATIONS_REPLY_DOMAIN = "desk.example.com"
    settings.NOTIFICATIONS_BASE_URL = "https://desk.example.com"
    settings.DEFAULT_FROM_EMAIL = "Service Desk <servicedesk@desk.example.com>"


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process, as without REDIS_URL, whatever the environment (CI also runs the
    suite with REDIS_URL set and no worker)."""
    conf = celery_app.conf
    previous = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = previous
