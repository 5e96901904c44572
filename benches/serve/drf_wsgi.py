"""A WSGI app that verifies a djangorestframework-api-key key per request, as a
peer of `keyctl serve`'s /auth: 200 when the key in `X-Api-Key` is valid, else
401. Set up its database with `python benches/drf/drf_bench.py setup DIR`, then
run it under gunicorn with DRF_DATA=DIR (see benches/serve/peers.sh).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "drf"))

import drf_bench  # noqa: E402

drf_bench.configure(os.environ["DRF_DATA"])

from rest_framework_api_key.models import APIKey  # noqa: E402


def app(environ, start_response):
    key = environ.get("HTTP_X_API_KEY", "")
    valid = bool(key) and APIKey.objects.is_valid(key)
    status = "200 OK" if valid else "401 Unauthorized"
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]
