"""Outbound channels for the notification tests (named in WUTONG_NOTIFY_CHANNELS)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from wutong.core.notify import Channel

SENT: list[int] = []


class RecordingChannel(Channel):
    """Remembers what it sent, in this process."""

    def send(self, message) -> None:
        SENT.append(message.pk)


class FlakyChannel(Channel):
    """Fails while ``FlakyChannel.down`` is true, with a phone number in the error."""

    down = True

    def send(self, message) -> None:
        if FlakyChannel.down:
            raise ConnectionError("gateway refused 13912345678")
        SENT.append(message.pk)


class GateChannel(Channel):
    """For the worker subprocess: says it has started, waits while the ``block`` file exists,
    then records the send. Files live in ``WUTONG_TEST_GATE_DIR``."""

    def send(self, message) -> None:
        gate = Path(os.environ["WUTONG_TEST_GATE_DIR"])
        (gate / f"entered-{os.getpid()}").write_text(str(message.pk))
        while (gate / "block").exists():
            time.sleep(0.05)
        with (gate / "sent.log").open("a") as log:
            log.write(f"{message.pk}\n")
