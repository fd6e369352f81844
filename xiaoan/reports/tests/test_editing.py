"""Editing a draft: paragraphs and headings (no markup), the preview beside the editor, and
every figure of the text marked against the computed one before the document is issued."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoan.reports.choices import OfficialKind, OfficialStatus
from xiaoan.reports.marks import CHANGED, COMPUTED, TYPED, compare, fig, plain
from xiaoan.reports.official import generate, narrative_from_blocks, text_blocks

pytestmark = pytest.mark.django_db


def test_a_figure_changed_by_hand_is_told_from_the_computed_one():
    drafted = f"共发现安全隐患{fig(103)}项，整改率{fig('74.0')}%；{fig('无')}逾期未整改隐患。"
    edited = plain(drafted).replace("103", "105") + "另有2项待核实。"
    segments, removed = compare(drafted, edited)
    states = {s.text: (s.state, s.computed) for s in segments if s.state}
    assert states["105"] == (CHANGED, "103")
    assert states["74.0"] == (COMPUTED, "")
    assert states["无"] == (COMPUTED, "")
    assert states["2"] == (TYPED, "")  # typed in by hand, computed from nothing
    assert removed == []
    _segments, removed = compare(drafted, "共发现安全隐患若干项。")
    assert "103" in removed


def test_the_text_is_edited_as_blocks_and_put_back_together():
    narrative = "开头一段。\n# 主要做法\n## 领导重视\n第一段。\n[[统计表]]"
    blocks = text_blocks(narrative)
    assert [b["kind"] for b in blocks] == ["p", "h1", "h2", "p", "tables"]
    kinds = [b["kind"] for b in blocks]
    texts = [b["text"] for b in blocks]
    assert narrative_from_blocks(kinds, texts) == narrative
    # A heading typed with its number keeps one; an empty line splits a paragraph; an emptied
    # block is dropped.
    assert (
        narrative_from_blocks(
            ["h1", "p", "p", "h2"], ["二、存在问题", "甲段。\n\n乙段。", "  ", "（一）重点"]
        )
        == "# 存在问题\n甲段。\n乙段。\n## 重点"
    )


@pytest.fixture
def draft(bureau, september_ledger):
    return generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)


def _blocks(report, change=None):
    blocks = text_blocks(report.narrative)
    if change:
        old, new = change
        blocks = [{**b, "text": b["text"].replace(old, new)} for b in blocks]
    return {
        "title": report.title,
        "version": report.version,
        "block_kind": [b["kind"] for b in blocks],
        "block_text": [b["text"] for b in blocks],
    }


def test_draft_page_shows_the_editor_beside_the_preview(as_user, bureau_admin, draft):
    page = as_user(bureau_admin).get(draft.get_absolute_url()).content.decode()
    assert 'name="block_kind"' in page and 'id="preview"' in page
    assert "# " not in page[page.index('id="blocks"') : page.index('id="new-block"')]
    assert '<span class="fig"' in page  # the computed figures are marked
    assert "fig-changed" not in page


def test_preview_highlights_a_hand_changed_figure(as_user, bureau_admin, draft):
    response = as_user(bureau_admin).post(
        reverse("reports:official_preview", args=[draft.pk]), _blocks(draft, ("5项", "6项"))
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="fig-changed"' in page and "计算值5" in page
    draft.refresh_from_db()
    assert "6项" not in draft.narrative  # a preview saves nothing


def test_saving_blocks_keeps_the_text_and_issuing_asks_to_confirm_changed_figures(
    as_user, bureau_admin, draft
):
    client = as_user(bureau_admin)
    client.post(reverse("reports:official_edit", args=[draft.pk]), _blocks(draft, ("5项", "6项")))
    draft.refresh_from_db()
    assert "发现安全隐患6项" in draft.narrative and "[[统计表]]" in draft.narrative
    issue = reverse("reports:official_issue", args=[draft.pk])
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="figures_checked"' in page
    client.post(issue, {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == OfficialStatus.DRAFT  # not issued without the confirmation
    client.post(issue, {"version": draft.version, "figures_checked": "1"})
    draft.refresh_from_db()
    assert draft.status == OfficialStatus.ISSUED


def test_preview_is_for_the_bureaus_safety_officer_only(as_user, leader, gov, draft):
    preview = reverse("reports:official_preview", args=[draft.pk])
    assert as_user(leader).post(preview, _blocks(draft)).status_code == 403
    assert as_user(gov).post(preview, _blocks(draft)).status_code == 404
    assert as_user(leader).get(preview).status_code == 405


def test_api_edits_the_text_as_headings_and_paragraphs(as_user, bureau_admin, leader, draft):
    """The API's edit step takes the editor's blocks (no markup), and reads them back."""
    url = f"/api/v1/official-reports/{draft.pk}/"
    client = as_user(bureau_admin)
    blocks = client.get(url).json()["blocks"]
    assert {b["kind"] for b in blocks} >= {"h1", "p", "tables"}
    assert not any(b["text"].startswith("#") for b in blocks)
    blocks = [*blocks, {"kind": "h1", "text": "五、其他"}, {"kind": "p", "text": "补充一段。"}]
    body = {"title": draft.title, "blocks": blocks, "version": draft.version}
    saved = client.post(url + "edit/", body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["blocks"][-2:] == [
        {"kind": "h1", "text": "其他"},
        {"kind": "p", "text": "补充一段。"},
    ]
    draft.refresh_from_db()
    assert draft.narrative.endswith("# 其他\n补充一段。")
    wrong = client.post(
        url + "edit/",
        {"title": draft.title, "blocks": [{"kind": "h9", "text": "x"}]},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "blocks" in wrong.json()
    assert (
        as_user(leader)
        .post(url + "edit/", {**body, "version": draft.version}, content_type="application/json")
        .status_code
        == 403
    )


def test_api_issue_asks_to_confirm_hand_changed_figures(as_user, bureau_admin, draft):
    url = f"/api/v1/official-reports/{draft.pk}/"
    client = as_user(bureau_admin)
    blocks = [
        {**b, "text": b["text"].replace("5项", "6项")} for b in client.get(url).json()["blocks"]
    ]
    client.post(
        url + "edit/",
        {"title": draft.title, "blocks": blocks, "version": draft.version},
        content_type="application/json",
    )
    body = client.get(url).json()
    assert {"text": "6", "computed": "5"} in body["changed_figures"]
    refused = client.post(url + "issue/", {"version": body["version"]})
    assert refused.status_code == 400
    assert "6（计算值：5）" in refused.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == OfficialStatus.DRAFT
    issued = client.post(
        url + "issue/", {"version": body["version"], "confirm_changed_figures": True}
    )
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    assert issued.json()["changed_figures"] == []
