"""Deploy-time helpers the settings use: the HTTPS group, the proxy's headers, the client's IP.

The first three are pure functions of their arguments, unit-tested alone; request_client_ip
binds client_ip to a request and the settings for django-axes.
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

# HSTS for a year once HTTPS is on: what browsers' preload lists ask for and what
# `check --deploy` expects; ARSHIF_HSTS_SECONDS sets a shorter one while trying HTTPS out.
HSTS_DEFAULT_SECONDS = 365 * 24 * 3600


def proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """The (META key, value) pair of SECURE_PROXY_SSL_HEADER for a header name such as
    `X-Forwarded-Proto`, or None when none is given.

    Opt-in only: trusting the header lets any client claim HTTPS unless a proxy in front always
    sets (or strips) it, so it is set only when the deployer says the proxy does."""
    name = name.strip()
    if not name:
        return None
    if not all(part.isalnum() for part in name.split("-")):
        raise ImproperlyConfigured(
            f"ARSHIF_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, got {name!r}"
        )
    return ("HTTP_" + name.upper().replace("-", "_"), "https")


def client_ip(remote_addr: str | None, forwarded_for: str | None, proxies: int) -> str | None:
    """The client's address: REMOTE_ADDR, or with `proxies` trusted reverse proxies in front,
    the X-Forwarded-For entry the outermost of them added (counted from the right: the entries
    to its left came from the client and may be forged)."""
    if proxies <= 0:
        return remote_addr
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    if len(hops) < proxies:
        # Fewer entries than proxies: the request bypassed a proxy; its own address is all we know.
        return remote_addr
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def request_client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address login throttling counts failures against."""
    from django.conf import settings

    return client_ip(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        settings.ARSHIF_PROXY_COUNT,
    )
