"""HAProxy (`deploy/haproxy.cfg` itself) in front of two `basegun serve` replicas: work reaches both, a client is
told apart by the address the balancer forwards (never by what it writes itself), and the balancer's per-client
limit holds across replicas, where each replica's own limit only sees its share."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import _free_port
from tests.fleet.harness import BALANCER_ADDRESS, Balancer, Replica, get

pytestmark = pytest.mark.fleet

REPLICA_LIMIT = 2  # POSTs per minute per client, in each replica (its bucket refills one every 30 s)
BALANCER_LIMIT = 6  # POSTs per minute per client at the strict balancer, every replica together


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Replica]]:
    folder = tmp_path_factory.mktemp("balancer")
    settings = {
        "BASEGUN_TRUSTED_PROXIES": f'["{BALANCER_ADDRESS}"]',
        "BASEGUN_RATE_LIMIT_PER_MINUTE": str(REPLICA_LIMIT),
    }
    started = [Replica(f"api{n}", _free_port(), folder / f"api{n}-data", settings) for n in (1, 2)]
    try:
        for replica in started:
            replica.start()
        yield started
    finally:
        for replica in started:
            replica.stop()


@pytest.fixture(scope="module")
def balancer(replicas: list[Replica], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Balancer]:
    """Limits high enough to leave the replicas' own to be seen."""
    started = Balancer(tmp_path_factory.mktemp("haproxy"), _free_port(), _free_port(), replicas)
    try:
        started.start()
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def strict_balancer(replicas: list[Replica], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Balancer]:
    limits = {"BALANCER_POSTS_PER_MINUTE": str(BALANCER_LIMIT)}
    started = Balancer(tmp_path_factory.mktemp("haproxy"), _free_port(), _free_port(), replicas, limits)
    try:
        started.start()
        yield started
    finally:
        started.stop()


def client_at(address: str) -> httpx.Client:
    """An HTTP client whose connections come from `address` (any 127.x.y.z is this machine)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def post_empty_photo(client: httpx.Client, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """The cheapest POST that counts against a limit: an empty photo, refused 400 `empty_file` once admitted."""
    return client.post(f"{url}/api/v1/identify", files={"image": ("p.jpg", b"", "image/jpeg")}, headers=headers)


def served(replica: Replica, route: str) -> float:
    status, body = get(f"{replica.url}/metrics")
    assert status == 200
    prefix = f'basegun_http_requests_total{{route="{route}",status="200"}} '
    return sum(float(line.removeprefix(prefix)) for line in body.decode().splitlines() if line.startswith(prefix))


def test_balancer_sends_work_to_both_ready_replicas(balancer: Balancer, replicas: list[Replica]) -> None:
    assert balancer.server_states() == {"api1": "UP", "api2": "UP"}  # its health checks on /readyz pass
    before = [served(replica, "/api/v1/typologies") for replica in replicas]
    with client_at("127.0.0.1") as client:
        for _ in range(8):
            assert client.get(f"{balancer.url}/api/v1/typologies").status_code == 200
        assert client.get(f"{balancer.url}/metrics").status_code == 404  # scraped on each replica, not in public
    after = [served(replica, "/api/v1/typologies") for replica in replicas]
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)
    assert sum(after) - sum(before) == 8


def test_replicas_tell_clients_apart_by_the_address_the_balancer_forwards(balancer: Balancer) -> None:
    with client_at("127.0.0.1") as first, client_at("127.0.0.3") as second:
        answers = [post_empty_photo(first, balancer.url) for _ in range(4 * REPLICA_LIMIT)]
        refused = [a for a in answers if a.status_code == 429]
        assert all(a.json()["code"] == "rate_limited" and a.headers.get("x-request-id") for a in refused)
        assert len(refused) >= 2 * REPLICA_LIMIT  # each replica let this client through twice at most

        other = post_empty_photo(second, balancer.url)  # same balancer, same peer for the replicas: another client
        assert other.status_code == 400, other.text
        assert other.json()["code"] == "empty_file"

        spoofed = post_empty_photo(first, balancer.url, headers={"x-forwarded-for": "203.0.113.9"})
        assert spoofed.status_code == 429  # what a client writes in X-Forwarded-For is not believed


def test_balancer_limits_a_client_across_every_replica(strict_balancer: Balancer) -> None:
    with client_at("127.0.0.4") as client, client_at("127.0.0.5") as other:
        answers = [post_empty_photo(client, strict_balancer.url) for _ in range(BALANCER_LIMIT + 3)]
        reached = answers[:BALANCER_LIMIT]
        assert all(a.headers.get("x-request-id") for a in reached)  # answered by a replica (400, or its own 429)
        for refused in answers[BALANCER_LIMIT:]:
            assert refused.status_code == 429
            assert "x-request-id" not in refused.headers  # the balancer's own answer
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "rate_limited"
            assert refused.headers["retry-after"] == "30"
        assert post_empty_photo(other, strict_balancer.url).headers.get("x-request-id")  # another client: through
