"""Load scenarios of the web bench (bench/bench_web.py seeds the data and starts gunicorn).

Each user logs in once through the login form as its own buyer (the session cookie is kept) and
then repeats its scenario without think time:

- ProductListUser: the seller's product list, first page, then the next four pages (keyset cursor
  of the page's "next" link), prices shown;
- OrderPageUser: the page of one of the buyer's orders, picked at random;
- PlaceOrderUser: through the API with the session (CSRF header), a quote of a 3-line cart of
  in-stock products, then the order placed with a fresh Idempotency-Key.

Any answer other than 200 (201 for the placed order) counts as a failure, redirects included. The
statistics are reset BENCH_WEB_WARMUP seconds after the last login (logins and the first requests
are not measured); with BENCH_WEB_SECONDS the run then stops after that many measured seconds.

    BENCH_WEB_SECONDS=30 locust -f bench/locustfile.py --headless -u 16 -r 16 -t 120s \\
        --host http://127.0.0.1:8000 --csv var/bench/web-ProductListUser ProductListUser

BENCH_WEB_DATA names the JSON file bench_web.py writes (var/bench/web-data.json by default).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path
from typing import Any

import gevent
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

DATA_PATH = Path(
    os.environ.get(
        "BENCH_WEB_DATA", Path(__file__).resolve().parent.parent / "var/bench/web-data.json"
    )
)
WARMUP = float(os.environ.get("BENCH_WEB_WARMUP", "5"))
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "0"))
PAGES = 5
_data: dict[str, Any] = {}
_seats = itertools.count()
_logged_in: list[int] = []
# the "next" link's whole query (cursor, the total counted on the first page, the search)
NEXT_RE = re.compile(
    rb'href="\?([^"]*after=[^"]+)"[^>]*rel="next"|rel="next"[^>]*href="\?([^"]*after=[^"]+)"'
)
CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def data() -> dict[str, Any]:
    if not _data:
        _data.update(json.loads(DATA_PATH.read_text()))
    return _data


@events.test_start.add_listener
def _measure_after_warmup(environment: Any, **kwargs: Any) -> None:
    """Logins first (argon2 takes about half a second each), then the warm-up, then SECONDS of
    measurement, after which the run stops (with SECONDS unset, `-t` decides)."""

    def measure() -> None:
        users = int(getattr(environment.parsed_options, "num_users", 0) or 0)
        while len(_logged_in) < users:
            gevent.sleep(0.2)
        gevent.sleep(WARMUP)
        environment.runner.stats.reset_all()
        if SECONDS:
            gevent.sleep(SECONDS)
            environment.runner.quit()

    gevent.spawn(measure)


class BuyerUser(FastHttpUser):
    abstract = True

    def on_start(self) -> None:
        found = data()
        self.seller_id = found["seller_id"]
        self.buyer = found["buyers"][next(_seats) % len(found["buyers"])]
        with self.client.get("/login/", name="login form", catch_response=True) as page:
            match = CSRF_RE.search(page.content or b"")
            if page.status_code != 200 or match is None:
                page.failure(f"login form: {page.status_code}")
                return
        with self.client.post(
            "/login/",
            data={
                "username": self.buyer["email"],
                "password": found["password"],
                "csrfmiddlewaretoken": match.group(1).decode(),
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login refused: {answer.status_code}")
        _logged_in.append(1)

    def expect(self, response: Any, status: int = 200) -> bool:
        if response.status_code != status:
            response.failure(f"status {response.status_code}")
            return False
        return True


class ProductListUser(BuyerUser):
    @task
    def browse(self) -> None:
        url = f"/sellers/{self.seller_id}/products/"
        for n in range(PAGES):
            name = "product list, first page" if n == 0 else "product list, next page"
            with self.client.get(
                url, name=name, allow_redirects=False, catch_response=True
            ) as page:
                if not self.expect(page):
                    return
                body = page.content or b""
                if b'data-testid="price"><span' in body:
                    page.failure("prices not shown")
                    return
                match = NEXT_RE.search(body)
                if match is None:  # 100,000 products: every page of the five has a next one
                    page.failure("no next-page link")
                    return
                query = (match.group(1) or match.group(2)).decode().replace("&amp;", "&")
            url = f"/sellers/{self.seller_id}/products/?{query}"


class OrderPageUser(BuyerUser):
    @task
    def order_page(self) -> None:
        number = random.choice(self.buyer["orders"])
        with self.client.get(
            f"/orders/{number}/", name="order page", allow_redirects=False, catch_response=True
        ) as page:
            if self.expect(page) and number.encode() not in (page.content or b""):
                page.failure("not the order's page")


class PlaceOrderUser(BuyerUser):
    @task
    def place(self) -> None:
        found = data()
        token = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        headers = {"X-CSRFToken": token, "Content-Type": "application/json"}
        lines = [
            {"sku": sku, "quantity": pack * random.randint(1, 3)}
            for sku, pack in random.sample(found["products"], 3)
        ]
        with self.client.post(
            f"/api/sellers/{self.seller_id}/quote",
            data=json.dumps({"lines": lines}),
            headers=headers,
            name="api: quote",
            catch_response=True,
        ) as answer:
            if not self.expect(answer):
                return
            version = answer.json()["terms_version"]
        with self.client.post(
            f"/api/sellers/{self.seller_id}/orders",
            data=json.dumps({"lines": lines, "accepted_terms_version": version}),
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
            name="api: place",
            catch_response=True,
        ) as answer:
            self.expect(answer, 201)
