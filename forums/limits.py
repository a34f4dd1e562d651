"""How often a person may post, comment, support, report and answer the survey (counted by the
portal's one rate limiter, core.ratelimit), per user and per address."""

from core.ratelimit import Rate, check

# action: (per user, per address). An address may be shared (a school, a kelurahan office), so it
# gets more room than one account.
RATES = {
    "topic": (Rate(5, 3600), Rate(15, 3600)),
    "comment": (Rate(20, 3600), Rate(60, 3600)),
    "support": (Rate(60, 3600), Rate(200, 3600)),
    "report": (Rate(10, 3600), Rate(30, 3600)),
    "ikm": (Rate(20, 3600), Rate(60, 3600)),
}


def check_rate(action: str, *, user_id: int, address: str) -> None:
    """Raise core.ratelimit.RateLimited when the user or the address has done `action` too
    often."""
    per_user, per_address = RATES[action]
    check(
        (f"forums:{action}:u:{user_id}", per_user), (f"forums:{action}:ip:{address}", per_address)
    )
