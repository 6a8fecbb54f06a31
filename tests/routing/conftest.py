import pytest

from itsm.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Celery runs tasks in-process, as it does without REDIS_URL, whatever the environment
    (CI also runs the suite with REDIS_URL set and no worker)."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous
