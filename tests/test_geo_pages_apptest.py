"""Map pages below the country in AppTest: district maps from the built-in layer, and no
command line for anyone but an administrator when a level has no boundaries."""

from __future__ import annotations

import json

import pytest

from tests.apptest_util import assert_clean, open_page

# Pattani (94): the provincial demo officer's own province.
QUERIES = {
    "overview": {"area": "94"},
    "sdg": {"area": "94", "sdg_goal": "6", "sdg_ind": "g6_safe_water", "sdg_level": "district"},
    "poverty": {"area": "94", "year": "2024"},
    "partners": {"area": "94"},
    "plans": {"area": "94"},
    "debt": {"area": "94"},
}


@pytest.fixture()
def no_installed_boundaries(app_env, tmp_path, monkeypatch):
    from components import assets
    from geo import payload

    if not assets.leaflet_ready():
        pytest.skip("run `make assets` first")
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    payload.clear_cache()
    return tmp_path


def _map_scripts(at) -> list[str]:
    """The Leaflet scripts of the page's st_folium components."""
    args = [json.loads(c.proto.json_args or "{}") for c in at.get("component_instance")]
    return [a["script"] for a in args if "script" in a]


@pytest.mark.parametrize("role", ["provincial", "admin"])
@pytest.mark.parametrize("page", sorted(QUERIES))
def test_province_view_draws_its_districts(no_installed_boundaries, page, role):
    at = open_page(page, lang="en", query=QUERIES[page], role=role)
    assert_clean(at)
    scripts = _map_scripts(at)
    assert any("app/static/cache/geo/district-94-" in s for s in scripts), page
    assert not any("python -m" in i.value for i in at.info)


@pytest.mark.parametrize(("role", "command"), [("provincial", False), ("executive", False),
                                               ("admin", True)])
def test_missing_level_is_explained_by_role(no_installed_boundaries, monkeypatch, role, command):
    from geo import boundaries

    monkeypatch.setattr(boundaries, "BUILTIN_DIR", no_installed_boundaries / "removed")
    at = open_page("plans", lang="en", query={"area": "94"}, role=role)
    assert_clean(at)
    notes = " ".join(i.value for i in at.info)
    assert "no district boundaries" in notes.lower()
    assert ("python -m geo" in notes) is command
    assert not _map_scripts(at) and at.get("plotly_chart")
