"""Pure parts: signing against the spec's vector, retry policy, breaker, SSRF, statuses, config."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook

from escalation import offices
from escalation.delivery import signing, ssrf
from escalation.delivery.breaker import Breaker
from escalation.delivery.retry import Policy, Verdict, parse_retry_after
from escalation.status import ALLOWED, InvalidTransition, Status, check

SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TS, SPEC_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
KEY = signing.decode_secret(SPEC_SECRET)
NOW = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)


def test_signing_matches_the_published_vector_and_the_reference_library() -> None:
    assert signing.signature(KEY, SPEC_ID, SPEC_TS, SPEC_BODY) == SPEC_SIGNATURE
    moment = dt.datetime.fromtimestamp(SPEC_TS, dt.UTC)
    assert Webhook(SPEC_SECRET).sign(SPEC_ID, moment, SPEC_BODY.decode()) == SPEC_SIGNATURE


def test_a_wib_moment_is_converted_not_relabelled() -> None:
    wib = NOW.astimezone(ZoneInfo("Asia/Jakarta"))
    headers = signing.headers([KEY], "msg_1", b"{}", wib)
    assert headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    assert signing.verify([KEY], b"{}", headers, NOW) == "msg_1"


def test_rotation_sends_both_signatures_until_the_old_key_expires() -> None:
    old, new = signing.new_secret(), signing.new_secret()
    endpoint = offices.Endpoint(
        name="e",
        office="jakarta",
        level="office",
        url="https://x.org",
        secrets=(signing.decode_secret(new),),
        previous=(signing.decode_secret(old),),
        previous_valid_until=NOW + dt.timedelta(days=1),
    )
    during = signing.headers(endpoint.signing_keys(NOW), "msg_2", b"{}", NOW)
    assert len(during["webhook-signature"].split()) == 2
    for secret in (old, new):
        assert signing.verify([signing.decode_secret(secret)], b"{}", during, NOW) == "msg_2"
    later = NOW + dt.timedelta(days=2)
    after = signing.headers(endpoint.signing_keys(later), "msg_3", b"{}", later)
    with pytest.raises(signing.VerificationError):
        signing.verify([signing.decode_secret(old)], b"{}", after, later)


@settings(deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["webhook-id", "webhook-timestamp", "webhook-signature"]),
        st.text(max_size=60),
    ),
    st.binary(max_size=64),
)
def test_verify_raises_only_verification_error_on_any_input(
    headers: dict[str, str], body: bytes
) -> None:
    with contextlib.suppress(signing.VerificationError):
        signing.verify([KEY], body, headers, NOW)


@pytest.mark.parametrize("secret", ["nope", "whsec_***", "whsec_c2hvcnQ="])
def test_malformed_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        signing.decode_secret(secret)


def test_the_schedule_has_jitter_and_then_dead_letters() -> None:
    policy, rng = Policy(), random.Random(5)
    delays = [policy.decide(attempts=n, status=500, rng=rng) for n in range(1, 13)]
    for decision, base in zip(delays, policy.schedule, strict=True):
        assert decision.verdict is Verdict.RETRY
        assert base * 0.8 <= decision.delay <= base * 1.2
    assert policy.decide(attempts=13, status=500).verdict is Verdict.DEAD
    assert policy.decide(attempts=1, status=204).verdict is Verdict.DELIVERED
    assert policy.decide(attempts=1, status=410).verdict is Verdict.DISABLE


def test_slow_down_answers_honour_retry_after_with_a_floor_and_a_cap() -> None:
    policy = Policy()
    assert policy.decide(attempts=1, status=429, retry_after=120).delay == 120
    assert policy.decide(attempts=1, status=429, retry_after=5).delay == 60
    assert policy.decide(attempts=1, status=503, retry_after=99999).delay == 3600
    assert policy.decide(attempts=1, status=None, timed_out=True).delay >= 60
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after("Sat, 28 Nov 2026 01:02:00 GMT", NOW) == 120
    assert parse_retry_after("soon", NOW) is None


def test_the_breaker_opens_pauses_probes_once_and_closes() -> None:
    breaker = Breaker(max_consecutive=3, pause=dt.timedelta(minutes=1))
    assert breaker.allows(NOW) is None
    for _ in range(2):
        assert breaker.record(False, NOW) is None
    assert breaker.record(False, NOW) == NOW + dt.timedelta(minutes=1)
    assert breaker.allows(NOW + dt.timedelta(seconds=59)) == 0
    probe = NOW + dt.timedelta(seconds=61)
    assert breaker.allows(probe) == 1
    breaker.started(probe)
    assert breaker.allows(probe) == 0
    assert breaker.record(False, probe) == probe + dt.timedelta(minutes=1)
    later = probe + dt.timedelta(minutes=2)
    breaker.started(later)
    assert breaker.record(True, later) is None
    assert breaker.allows(later) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/h",
        "https://127.0.0.1/h",
        "https://10.1.2.3/h",
        "https://[::1]/h",
        "https://169.254.169.254/latest",
        "https://user:pw@example.org/h",
        "ftp://example.org",
        "https://[::ffff:127.0.0.1]/h",
    ],
)
def test_ssrf_refuses_plain_http_private_and_loopback_targets(url: str) -> None:
    with pytest.raises(ssrf.UnsafeTarget):
        ssrf.check_url(url, allow_private=False)


def test_ssrf_allows_loopback_only_when_told_to() -> None:
    ssrf.check_url("https://93.184.216.34/h", allow_private=False)
    ssrf.check_url("http://127.0.0.1:8000/h", allow_private=True)


def test_every_status_pair_follows_the_table() -> None:
    for current in Status:
        for wanted in Status:
            if wanted in ALLOWED[current]:
                assert check(current, wanted) is wanted
            else:
                with pytest.raises(InvalidTransition):
                    check(current, wanted)


def test_config_reads_endpoints_secrets_from_the_environment_and_checks_them() -> None:
    data = {
        "deadlines": {"P0": 5},
        "office": [
            {
                "id": "jakarta",
                "endpoint": [
                    {"name": "j", "url": "https://j.example.org/h", "secret_env": "J_SECRET"},
                    {
                        "name": "s",
                        "url": "https://s.example.org/h",
                        "secret_env": "J_SECRET",
                        "level": "supervisor",
                    },
                ],
            }
        ],
        "operator": {
            "endpoint": [{"name": "o", "url": "https://o.example.org/h", "secret_env": "J_SECRET"}]
        },
    }
    directory = offices.parse(data, {"J_SECRET": SPEC_SECRET})
    assert [e.name for e in directory.targets("jakarta", 0)] == ["j"]
    assert [e.name for e in directory.targets("jakarta", 1)] == ["s"]
    assert [e.name for e in directory.targets("jakarta", 2)] == ["j", "s"]
    assert [e.name for e in directory.targets("jakarta", 3)] == ["o"]
    assert directory.deadlines.ack["P0"] == dt.timedelta(minutes=5)
    with pytest.raises(offices.ConfigError, match="J_SECRET is not set"):
        offices.parse(data, {})
    bad = {
        "office": [
            {
                "id": "x",
                "endpoint": [{"name": "p", "url": "https://10.0.0.1/h", "secret": SPEC_SECRET}],
            }
        ]
    }
    with pytest.raises(offices.ConfigError, match="private"):
        offices.parse(bad, {})
    assert offices.parse(bad, {}, allow_private=True).endpoint("p") is not None
    with pytest.raises(offices.ConfigError, match="https"):
        offices.parse(
            {
                "office": [
                    {
                        "id": "x",
                        "endpoint": [
                            {"name": "p", "url": "http://example.org/h", "secret": SPEC_SECRET}
                        ],
                    }
                ]
            },
            {},
        )


def test_the_escalation_migration_follows_the_whatsapp_one() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from storage.migrate import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    chain = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
    assert chain[::-1][:3] == ["0001", "0002_whatsapp", "0003_escalation"]
