"""A mail "server" for the worker-kill test: appends each message's subject to the file named by
SLOW_MAIL_FILE (flushed and synced before it answers, like a server that accepted the message),
then takes SLOW_MAIL_SECONDS, so a SIGKILL often lands between "accepted" and "marked sent"."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["SLOW_MAIL_FILE"]
        pause = float(os.environ.get("SLOW_MAIL_SECONDS", "0.01"))
        for message in email_messages:
            with open(path, "a", encoding="utf-8") as file:
                file.write(message.subject + "\n")
                file.flush()
                os.fsync(file.fileno())
            time.sleep(pause)
        return len(email_messages)
