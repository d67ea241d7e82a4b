"""Policies, CSRF checks and the login limiter, as units."""

from __future__ import annotations

import pytest

from opentruth.portal.security import LoginLimiter, TooManyAttempts, page_csp, template_csp


def test_policies() -> None:
    page = page_csp()
    assert "default-src 'self'" in page and "frame-ancestors 'none'" in page and "unsafe" not in page
    assert "script-src 'self' https://x.example" in page_csp(["https://x.example"])
    frame = template_csp("NONCE", "http://h:1")
    script = frame.split("script-src ")[1].split(";")[0]
    assert script == "'nonce-NONCE' http://h:1/worker/static/"
    assert "form-action 'none'" in frame and "frame-ancestors 'self'" in frame


def test_limiter_counts_per_username_and_address() -> None:
    now = [0.0]
    limiter = LoginLimiter(limit=2, window=60, clock=lambda: now[0])
    limiter.failed("Ann", "1.1.1.1")
    limiter.failed("ann", "2.2.2.2")
    with pytest.raises(TooManyAttempts) as caught:
        limiter.check("ANN", "3.3.3.3")  # the username, from any address
    assert caught.value.retry_after == 60
    limiter.check("bob", "1.1.1.1")  # neither bob nor 1.1.1.1 is over the limit
    limiter.failed("bob", "1.1.1.1")
    with pytest.raises(TooManyAttempts):
        limiter.check("carl", "1.1.1.1")  # the address, for any username
    now[0] = 30.0
    with pytest.raises(TooManyAttempts) as later:
        limiter.check("ann", "9.9.9.9")
    assert later.value.retry_after == 30
    now[0] = 61.0
    limiter.check("ann", "1.1.1.1")  # the window has passed
    limiter.failed("dan", "4.4.4.4")
    limiter.failed("dan", "5.5.5.5")
    limiter.succeeded("dan")
    limiter.check("dan", "6.6.6.6")
