"""One endpoint under load, for bench/load.py: every simulated user GETs BENCH_PATH again and
again, sending BENCH_COOKIE (a session cookie made by bench/load.py) when it is set. A response
other than 200 is an error. With BENCH_PACING=0 (the default) there is no pause, so `--users 20`
keeps 20 requests in flight (the most the server can do); with BENCH_PACING=1 each user pauses
between 0.5 and 1.5 s (1 s on average) after each page, sooner than anyone reads one. The pause
is random, as people's are: with the same pause for everyone the users fall into step and send
their requests in bursts.

With BENCH_PATHS (a file of paths, one per line) each request GETs one of them at random.

Run by bench/load.py, one locust process per endpoint:
  BENCH_PATH=/forums/ locust -f bench/locustfile.py --headless -u 20 -r 20 -t 20s \
      --host http://127.0.0.1:8765 --csv var/load/forums
"""

import os
import random
from pathlib import Path

from locust import FastHttpUser, between, constant, task

PATH = os.environ.get("BENCH_PATH", "/healthz")
# BENCH_PATHS, a file with one path per line: each request GETs one of them at random (pages
# that are each seen once, so that none is served from the cache).
PATHS = Path(os.environ["BENCH_PATHS"]).read_text().split() if os.environ.get("BENCH_PATHS") else []
PATHS = PATHS or [PATH]
COOKIE = os.environ.get("BENCH_COOKIE", "")
NAME = os.environ.get("BENCH_NAME", PATH)
PACING = float(os.environ.get("BENCH_PACING", "0"))


class Visitor(FastHttpUser):
    wait_time = between(PACING / 2, PACING * 3 / 2) if PACING else constant(0)
    # FastHttpUser (geventhttpclient) costs the client less CPU than requests: on two cores the
    # load generator shares the machine with the server.
    connection_timeout = 30.0
    network_timeout = 30.0

    @task
    def get(self):
        headers = {"Cookie": COOKIE} if COOKIE else {}
        with self.client.get(
            random.choice(PATHS),
            headers=headers,
            name=NAME,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
