"""The stack output ``clients.<application>``, as a client reads it (no dependency beyond the standard library)."""

import json
import os
import sys

FIELDS = ("endpoint", "baseUrl", "callerAuth", "apiVersion", "deployments", "timeoutSeconds", "maxRetries")


def load_settings(path=None):
    """Reads the settings from ``path``, else ``$AOAI_CLIENT_SETTINGS``, else ``client-settings.json``."""
    path = path or os.environ.get("AOAI_CLIENT_SETTINGS", "client-settings.json")
    with open(path, encoding="utf-8") as f:
        settings = json.load(f)
    missing = [name for name in FIELDS if name not in settings]
    if missing:
        raise ValueError(f"{path}: not a stack output clients.<application> (missing {', '.join(missing)})")
    return settings


if __name__ == "__main__":
    print(json.dumps(load_settings(sys.argv[1] if len(sys.argv) > 1 else None), indent=2))
