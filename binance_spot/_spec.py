"""What the hand-written runtime needs to know of openapi.yaml: version, servers, security.

Generated from openapi.yaml by templates/spec.mustache; do not edit.
"""

from typing import NamedTuple

API_VERSION = "1.0"
PACKAGE_VERSION = "1.0.0"

#: (url, description) of each server of the spec; the first is the default host.
SERVERS = (("https://api.binance.com", ""),)
DEFAULT_HOST = SERVERS[0][0]


class SecurityScheme(NamedTuple):
    """An API-key security scheme: where the key goes and under which name."""

    name: str
    location: str
    key_name: str


SECURITY_SCHEMES = (SecurityScheme("ApiKeyAuth", "header", "X-MBX-APIKEY"),)
