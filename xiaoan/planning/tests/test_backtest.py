"""The backtest: the AUC itself, and on a small generated district the score ranks the schools
whose hazards recur later above those whose do not."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from xiaoan.schools.models import School

from ..backtest import auc, backtest
from ..generate import generate

pytestmark = pytest.mark.django_db


def test_auc_counts_pairs_and_ties():
    assert auc([3, 2, 1], [True, False, False]) == 1.0
    assert auc([1, 2, 3], [True, False, False]) == 0.0
    assert auc([2, 2], [True, False]) == 0.5
    assert auc([1, 2], [False, False]) is None


def test_on_a_small_generated_district_the_score_beats_a_coin(bureau):
    district = generate(seed=3, schools=24, troubled=4)
    result = backtest(School.objects.filter(bureau=district.bureau), district.day)
    assert result.schools == 24 and result.positives
    assert result.auc is not None and result.auc > 0.5


def test_the_command_prints_the_auc_and_leaves_nothing_behind(bureau):
    out = io.StringIO()
    call_command("backtest-scores", "--generated", "--seed", "3", "--schools", "24", stdout=out)
    assert "AUC: 0." in out.getvalue() or "AUC: 1." in out.getvalue()
    assert not School.objects.filter(code__startswith="M").exists()
