"""Times djangorestframework-api-key verifying a key, for comparison.

Run inside a virtualenv with djangorestframework-api-key installed:
    python drf_bench.py setup DIR          # creates DIR/db.sqlite3 and a key
    python drf_bench.py inprocess DIR N    # median microseconds of is_valid()
    python drf_bench.py once DIR           # one verification as a whole process
Prints JSON on standard output.
"""

import json
import os
import statistics
import sys
import time


def configure(directory):
    import django
    from django.conf import settings

    settings.configure(
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(directory, "db.sqlite3"),
            }
        },
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "rest_framework_api_key",
        ],
        USE_TZ=True,
        SECRET_KEY="benchmark-only",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()


def main():
    command, directory = sys.argv[1], sys.argv[2]
    configure(directory)
    from rest_framework_api_key.models import APIKey

    key_file = os.path.join(directory, "key.txt")
    if command == "setup":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        _, key = APIKey.objects.create_key(name="bench")
        with open(key_file, "w") as f:
            f.write(key)
        print(json.dumps({"ok": True}))
        return
    with open(key_file) as f:
        key = f.read().strip()
    if command == "once":
        assert APIKey.objects.is_valid(key)
        print(json.dumps({"valid": True}))
        return
    runs = int(sys.argv[3])
    APIKey.objects.is_valid(key)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        assert APIKey.objects.is_valid(key)
        samples.append((time.perf_counter() - started) * 1e6)
    print(json.dumps({"median_us": statistics.median(samples), "runs": runs}))


if __name__ == "__main__":
    main()
