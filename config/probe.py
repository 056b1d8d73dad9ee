"""A container's health probe: ask the web node on this host for a path, and exit 0 if it
answers 200, 1 otherwise.

    python -m config.probe /healthz    # liveness
    python -m config.probe /readyz     # readiness

It asks as the site's first allowed host, as if through the TLS-terminating proxy, so that
production's host check and HTTPS redirect answer it as they answer the proxy. Standard
library only: the image has no curl, and a probe should not load Django.
"""

import http.client
import os
import sys


def probe(path: str, *, port: int, host: str, timeout: float = 5.0) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def probe_host(allowed_hosts: str) -> str:
    """The first of ALLOWED_HOSTS as a Host header (".example.org" allows its subdomains)."""
    first = next((h.strip() for h in allowed_hosts.split(",") if h.strip()), "localhost")
    first = first.lstrip(".")
    return "localhost" if first in {"", "*"} else first


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "/healthz"
    port = int(os.environ.get("PORT", "8000"))
    healthy = probe(path, port=port, host=probe_host(os.environ.get("ALLOWED_HOSTS", "")))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
