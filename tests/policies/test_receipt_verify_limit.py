"""The public receipt check is rate-limited like /verify/<code>: 30 a minute from one
address, by code and by upload alike, so receipt codes cannot be guessed by the thousand."""

from __future__ import annotations

import io

import pytest

from portal.ratelimit import limiter


@pytest.fixture
def fresh_limits():
    limiter.reset()  # other tests' checks count too, within the same minute
    yield
    limiter.reset()


def _upload(client):
    return client.post(
        "/receipts/verify",
        {"receipt": (io.BytesIO(b"%PDF-1.7 not a receipt"), "receipt.pdf")},
        content_type="multipart/form-data",
    )


def test_the_31st_check_by_code_in_a_minute_is_refused(client, fresh_limits):
    statuses = [client.get(f"/receipts/verify?code=AAAA-BBBB-{n:04d}").status_code for n in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_uploads_count_towards_the_same_limit(client, fresh_limits):
    statuses = [_upload(client).status_code for _ in range(15)]
    statuses += [client.get(f"/receipts/verify?code=AAAA-BBBB-{n:04d}").status_code for n in range(15)]
    assert statuses == [200] * 30
    assert _upload(client).status_code == 429
    assert client.get("/receipts/verify?code=AAAA-BBBB-CCCC").status_code == 429
