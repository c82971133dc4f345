"""The client's token cache on its own: a 401 forgets only the token that was refused (the
client against the sandbox: tests/sandbox/test_credentials_api.py)."""

from __future__ import annotations

from bw_pulumi.api.auth import OAuthClientCredentials


def test_a_401_forgets_only_the_token_that_was_refused() -> None:
    fetched: list[str] = []

    def fetch(url: str, client_id: str, secret: str) -> tuple[str, float]:
        fetched.append(f"token{len(fetched)}")
        return fetched[-1], 3600.0

    auth = OAuthClientCredentials("id", "secret", "https://example.invalid/token")
    stale = auth.header(fetch, now=0.0)
    assert auth.invalidate(stale) is True
    fresh = auth.header(fetch, now=1.0)
    assert fresh == "Bearer token1"
    auth.invalidate(stale)  # a second thread's late 401 for the old token
    assert auth.header(fetch, now=2.0) == fresh
    assert len(fetched) == 2
