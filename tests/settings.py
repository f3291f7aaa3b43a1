"""Test settings: the real settings, with a scratch home and tasks run in-process.

Environment is set before ``wutong.settings`` reads it. Tests of the database and Redis task
backends switch backend explicitly.
"""

import os
import tempfile

os.environ.setdefault("WUTONG_ENV", "test")
os.environ["WUTONG_HOME"] = tempfile.mkdtemp(prefix="wutong-test-")
os.environ.setdefault("WUTONG_TASK_BACKEND", "immediate")
os.environ.pop("REDIS_URL", None)

from wutong.settings import *  # noqa: F403

# Tests read static files from the apps (no collectstatic manifest needed).
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# SQLite tests use a real file (WAL, locking, several connections), as the demo does.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = str(WUTONG_HOME / "test.sqlite3")  # noqa: F405
