"""Issue 13, part 8: pages, fragments and exports go out compressed; static files live under versioned URLs that
browsers keep for a year."""

import re

from tracker.auth.roles import Role


def test_a_page_goes_out_compressed_when_the_browser_accepts_it(client, login_as):
    login_as(Role.PROCESS_GROUP)
    plain = client.get("/proposals/")
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    for encoding in ("br", "gzip", "zstd"):
        response = client.get("/proposals/", headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert len(response.data) < len(plain.data) / 2  # HTML compresses well (an empty list page: about 3x)
    fragment = client.get("/proposals/?q=x", headers={"Accept-Encoding": "br", "HX-Request": "true"})
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]


def test_the_csv_export_streams_compressed(client, login_as, make_project):
    for n in range(40):
        make_project(code=f"C{n:02}", name="A project with a long enough name to compress")
    login_as(Role.STEERING)
    response = client.get("/projects/?format=csv", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br" and response.is_streamed


def test_static_files_have_versioned_urls_kept_for_a_year(client, login_as):
    login_as(Role.MEMBER)
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"] and "immutable" in response.headers["Cache-Control"]
    stale = client.get("/static/app.css?v=000000000000")  # an old page's URL: served, but checked next time
    assert "immutable" not in stale.headers.get("Cache-Control", "") and "max-age=0" in stale.headers["Cache-Control"]
    assert "max-age=0" in client.get("/static/app.css").headers["Cache-Control"]


def test_the_tab_shows_the_apps_icon(client):
    page = client.get("/auth/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="(/static/favicon\.svg\?v=[0-9a-f]{12})" type="image/svg\+xml">', page)
    assert icon and client.get(icon.group(1)).mimetype == "image/svg+xml"
    assert client.get("/favicon.ico").headers["Location"].startswith("/static/favicon.svg")
