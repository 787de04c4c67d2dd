"""Schemathesis against the app's own OpenAPI document: generated requests to every operation
(bounded examples, as the analyst and admin of the demo world, and anonymously) never get a 5xx."""

from __future__ import annotations

import pytest
from _web import ADMIN, bearer
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.db

EXAMPLES = 8  # per operation and identity: bounded, the suite stays fast


def test_no_operation_answers_a_server_error(app, client, web_world):
    import schemathesis

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20  # the whole API, not an empty document
    identities = {
        "anonymous": {},
        "analyst": bearer(web_world, "ana"),
        "admin": bearer(web_world, ADMIN),
    }
    failures: list[str] = []
    calls = 0

    def fuzz(op, who: str, headers: dict[str, str]) -> None:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=op.as_strategy())
        def run(case) -> None:
            nonlocal calls
            calls += 1
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{who} {op.method.upper()} {case.formatted_path} {case.query} "
                    f"-> {response.status_code} {response.text[:200]}"
                )

        run()

    for op in operations:
        for who, headers in identities.items():
            fuzz(op, who, headers)
    assert calls >= len(operations) * len(identities)
    assert not failures, "\n".join(failures[:20])
