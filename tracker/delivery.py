"""How responses travel: text compressed (Flask-Compress: zstd, Brotli or gzip, as the browser accepts), and static
files under versioned URLs (`?v=` the first characters of the file's SHA-256), which browsers keep for a year and
never ask for again; a changed file gets a new URL, so nobody runs yesterday's script against today's pages."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, Response, redirect, request, url_for
from flask_compress import Compress

from tracker.auth.policy import PUBLIC, requires

compress = Compress()
YEAR = 365 * 24 * 3600
COMPRESSED = ["text/html", "text/css", "text/plain", "text/csv", "text/calendar", "text/javascript",
              "application/javascript", "application/json", "application/problem+json", "image/svg+xml"]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    compress.init_app(app)
    static = Path(app.static_folder)

    @cache
    def version_of(filename: str) -> str | None:
        path = (static / filename).resolve()
        if static.resolve() not in path.parents or not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]

    @app.url_defaults
    def versioned_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and (version := version_of(values.get("filename", ""))):
            values["v"] = version

    def current(filename: str | None) -> bool:
        return bool(filename) and request.args.get("v") == version_of(filename)

    def max_age(filename: str | None) -> int:
        """The file's current versioned URL is kept for a year; any other is checked each time (by its ETag)."""
        return YEAR if current(filename) else 0

    app.get_send_file_max_age = max_age

    @requires(PUBLIC)
    def favicon() -> Response:
        """Where a browser looks for the icon without asking the page: the one the pages name."""
        return redirect(url_for("static", filename="favicon.svg"), code=301)

    app.add_url_rule("/favicon.ico", "favicon", favicon)

    @app.after_request
    def immutable(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code == 200 and current(request.view_args.get("filename")):
            response.cache_control.immutable = True
        return response
