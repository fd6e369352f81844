"""The drafted text of the campaign summary and of the quarterly report, in the seed's register.

Every figure comes from the frozen figures and is marked (`marks.fig`), so the editing page
can tell a figure changed by hand from the computed one. A person writes 无 rather than 0, a
figure inside a sentence with its meaning, and leaves out a paragraph whose data are absent.

The text is lines: "# " and "## " start headings (numbered 一、 （一） when rendered), the line
`TABLES_MARK` is where the tables and charts go, every other line is a paragraph.
"""

from __future__ import annotations

import datetime
from typing import Any

from .choices import Compliance
from .document import date_text
from .marks import fig
from .story import part_of_month

TABLES_MARK = "[[统计表]]"
# The seed writes "学生接送车安全项目8项": the vehicle area reads as a programme of work.
AREA_SUFFIX = {"vehicle": "项目"}
RATE_NOTE = (
    "注：整改率＝已整改销号隐患数÷（排查发现隐患数－经核查不属实退回数）×100%，"
    "本文各处整改率均按此口径计算。"
)
QUARTER_RATE_NOTE = (
    "注：整改率＝已整改销号隐患数÷（应整改隐患数－经核查不属实退回数）×100%，"
    "应整改隐患数为上季度结转未整改隐患与本季度新发现隐患之和，本文各处整改率均按此口径计算。"
)
KIND_WORDS = {
    "joint": "联合检查",
    "survey": "专项调研",
    "enforcement": "联合执法",
    "leadership": "督查",
    "spot": "抽查",
    "self": "自查",
}
FOUR_NO_WORDS = {
    "no_illegal_venues": "非法或违规网吧、歌舞厅等娱乐场所",
    "no_illegal_stalls": "无证、占道经营摊点",
    "no_illegal_buildings": "违章建筑和治安案件",
    "no_major_accident": "重大安全责任事故",
}
ORDINALS = "一二三四五六七八九十"


def number(value: Any) -> str:
    """350.0 → 350, 3.5 → 3.5: a report writes no needless decimals."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def n(value: Any) -> str:
    return fig(number(value))


def day_text(iso: str) -> str:
    return date_text(datetime.date.fromisoformat(iso))


def month_day(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.month}月{day.day}日"


# ---- shared sentences -------------------------------------------------------------------------


def area_list(areas: list[dict[str, Any]], key: str = "found") -> str:
    """学生接送车安全项目8项，校舍安全29项，…: the areas with hazards, in the ledger's order."""
    return "，".join(
        f"{a['name']}{AREA_SUFFIX.get(a['code'], '')}{n(a[key])}项" for a in areas if a[key]
    )


def school_phrase(schools: dict[str, Any]) -> str:
    """37所中小学（其中民工子弟学校3所）、42家幼托机构."""
    text = f"{n(schools['primary_secondary'])}所中小学"
    if schools.get("migrant"):
        text += f"（其中民工子弟学校{n(schools['migrant'])}所）"
    return text + f"、{n(schools['childcare'])}家幼托机构"


def kinds_phrase(story_round: dict[str, Any]) -> str:
    """3所民工子弟学校和1所幼儿园 · 23所中小学、幼儿园 (a survey names the kinds together)."""
    parts = []
    if story_round.get("migrant"):
        parts.append(f"{n(story_round['migrant'])}所民工子弟学校")
    if story_round.get("others"):
        parts.append(f"{n(story_round['others'])}所中小学")
    if story_round.get("childcare"):
        parts.append(f"{n(story_round['childcare'])}所幼儿园")
    return "和".join(parts)


def departments_phrase(departments: list[dict[str, str]]) -> str:
    return "、".join(d["name"] for d in departments)


def state_sentence(total: dict[str, Any], figures: dict[str, Any]) -> str:
    """已整改销号…，整改率…；尚未整改…，其中逾期… (or 无逾期)."""
    text = (
        f"已整改销号{n(total['closed'])}项，整改率{n(figures['rectification_rate'])}%"
        if total["closed"]
        else "尚无整改销号的隐患"
    )
    if total["open"]:
        text += f"；尚未整改{n(total['open'])}项，"
        text += (
            f"其中逾期未整改{n(total['overdue'])}项"
            if total["overdue"]
            else f"均在整改期限内，{fig('无')}逾期未整改隐患"
        )
    text += "。"
    if figures.get("rejected"):
        text += f"经核查不属于隐患、予以退回{n(figures['rejected'])}项。"
    majors, supervised = figures.get("major_open", 0), figures.get("supervised_open", 0)
    if majors or supervised:
        text += f"尚未整改的重大隐患{n(majors)}项，" if majors else ""
        text += f"挂牌督办{n(supervised)}项。" if supervised else f"{fig('无')}挂牌督办隐患。"
    return text


def incidents_sentence(incidents: int, major: int, period: str) -> str:
    if not incidents:
        return f"{period}全区{fig('无')}安全事故发生。"
    tail = f"其中重大责任事故{n(major)}起" if major else f"{fig('无')}重大安全责任事故"
    return f"{period}全区发生安全事故{n(incidents)}起，{tail}。"


def numbered(items: list[str]) -> list[str]:
    """一是…　二是…: the points that have something to say, numbered in order."""
    return [f"{ORDINALS[i]}是{text}" for i, text in enumerate(items)]


# ---- the campaign summary ---------------------------------------------------------------------


def campaign_summary(figures: dict[str, Any], campaign_name: str) -> str:
    story = figures["story"]
    lines = [_preamble(story, campaign_name), "# 主要做法"]
    lines += _section("领导重视，精心部署", [_deployment(story, figures["as_of"])])
    lines += _section("排查整治，消除隐患", _inspections(story, figures))
    lines.append(TABLES_MARK)
    lines += _section("完善制度，强化管理", _systems(figures))
    lines += _section("部门联动，形成合力", _departments(story))
    lines += _section("突出重点，加强整顿", _key_measures(story, figures))
    lines += ["# 存在问题", *_problems(figures)]
    lines += ["# 下一步打算", *_next_steps(figures)]
    return "\n".join(line for line in lines if line)


def _section(title: str, paragraphs: list[str]) -> list[str]:
    """A heading with its paragraphs; no heading when no paragraph has anything to say."""
    paragraphs = [p for p in paragraphs if p]
    return [f"## {title}", *paragraphs] if paragraphs else []


def _preamble(story: dict[str, Any], campaign_name: str) -> str:
    notice = f"根据{story['notice']}要求，" if story.get("notice") else ""
    return (
        f"{notice}我局坚持“安全第一、预防为主、师生为本”方针，于{fig(month_day(story['launched']))}"
        f"启动{campaign_name}，切实加强学校安全工作，确保师生安全，维护校园稳定。"
        "现将专项行动开展情况总结如下。"
    )


def _deployment(story: dict[str, Any], as_of: str) -> str:
    plan = story.get("plan") or "专项行动工作方案"
    text = (
        f"专项行动启动后，我局及时拟定了{plan}，下发到全区各校，要求各校认真学习文件精神，"
        "对照专项整治六块内容制定切合本校实际的工作方案，扎实开展排查整治工作。"
    )
    plans = story.get("plans") or {}
    if not plans.get("filed"):
        return text
    text += (
        f"截至{fig(day_text(as_of))}，全区{n(plans['schools'])}所学校（幼儿园）中已有"
        f"{n(plans['filed'])}所报送了本校工作方案，经审核通过{n(plans['accepted'])}份"
    )
    if plans.get("returned"):
        text += f"，退回修改{n(plans['returned'])}份"
    if plans.get("under_review"):
        text += f"，正在审核{n(plans['under_review'])}份"
    missing = []
    if plans.get("missing_schools"):
        missing.append(f"{n(plans['missing_schools'])}所中小学")
    if plans.get("missing_childcare"):
        missing.append(f"{n(plans['missing_childcare'])}家幼托机构")
    text += f"；尚有{'、'.join(missing)}未报送。" if missing else "，全部学校均已报送。"
    return text


def _inspections(story: dict[str, Any], figures: dict[str, Any]) -> list[str]:
    text = ""
    pre = story.get("pre_term") or {}
    if pre:
        where = "各校" if pre.get("all_schools") else f"{n(pre['schools'])}所学校（幼儿园）"
        who = departments_phrase(pre["departments"])
        text += f"我局在开学报到前联系了{who}，" if who else "我局在开学报到前"
        text += f"对{where}进行了专项检查。"
    lead = story.get("leadership") or {}
    if lead:
        everyone = lead["schools"] >= figures["schools"]["total"]
        where = "全区学校（幼儿园）" if everyone else f"{n(lead['schools'])}所学校（幼儿园）"
        text += f"开学后，又在局领导班子成员带领下，集中安排时间对{where}进行检查指导。"
    total = figures["total"]
    tally = (
        f"截至{fig(day_text(figures['as_of']))}，全区{school_phrase(figures['schools'])}"
        f"共发现安全隐患{n(total['found'])}项"
    )
    listed = area_list(figures["areas"])
    tally += f"，其中{listed}。" if listed else "。"
    if total["found"]:
        tally += state_sentence(total, figures)
    return [text, tally]


def _systems(figures: dict[str, Any]) -> list[str]:
    text = (
        "以本次专项行动为契机，形成了相对完整的督促检查制度和激励奖惩制度，"
        "实行一级抓一级、一级管一级的责任包干制；将安全管理工作与学校、教师评估考核紧密挂钩，"
        "坚决执行“一票否决制”。继续完善学校安全检查记录制度和月报告制度，"
    )
    opinions = figures.get("opinions", 0)
    text += (
        f"对排查出的安全隐患及时提出整改意见，已对{n(opinions)}项隐患下达整改意见并明确整改期限。"
        if opinions
        else "对排查出的安全隐患及时提出整改意见。"
    )
    reporting = "同时坚持安全工作报告制度，学校每个月向区教育局上报一次本校安全隐患及整改情况"
    monthly = figures.get("compliance") or []
    if monthly:
        expected = sum(m["expected"] for m in monthly)
        on_time = sum(m[Compliance.ON_TIME] for m in monthly)
        late = sum(m[Compliance.LATE] for m in monthly)
        missing = sum(m[Compliance.MISSING] + m[Compliance.RETURNED] for m in monthly)
        reporting += (
            f"，{monthly[0]['month'][5:]}至{monthly[-1]['month'][5:]}应报月报{n(expected)}份，"
            f"按时报送{n(on_time)}份"
        )
        reporting += f"，逾期报送{n(late)}份" if late else ""
        reporting += f"，未报{n(missing)}份" if missing else f"，{fig('无')}漏报"
    reporting += "；区教育局每个季度向区人民政府报告一次安全工作情况"
    quarterly = figures.get("quarterly_reports", 0)
    reporting += f"，已报送季度报告{n(quarterly)}次。" if quarterly else "。"
    return [text, reporting]


def _departments(story: dict[str, Any]) -> list[str]:
    rows = story.get("departments") or []
    text = ""
    if rows:
        parts = [
            f"{d['name']}参与{'、'.join(KIND_WORDS.get(k, k) for k in d['kinds'])}"
            f"{n(d['inspections'])}次，覆盖{n(d['schools'])}所学校"
            for d in rows
        ]
        text = (
            "专项行动实施以来，我局与各综合治理工作相关部门密切配合、通力合作，"
            f"形成了各单位抓学校安全及校园周边治安综合治理工作的合力。{'；'.join(parts)}。"
        )
    around = story.get("surroundings") or {}
    if around:
        who = "、".join(around["departments"])
        line = f"{who}牵头" if who else "各校会同属地部门"
        line += (
            f"对{n(around['schools'])}所学校周边环境开展清理整顿检查，"
            f"{n(around['meeting'])}所学校周边达到“四无”，即无非法或违规网吧、歌舞厅等娱乐场所，"
            "无无证、占道经营摊点，无违章建筑和治安案件，无火灾、校舍倒塌、集体中毒等重大安全责任事故"
        )
        failing = [
            f"{n(count)}所学校周边存在{FOUR_NO_WORDS[key]}"
            for key, count in around["failing"].items()
        ]
        line += f"；{'，'.join(failing)}，已列入整治重点。" if failing else "。"
        text = (text + line) if text else line
    return [text]


def _key_measures(story: dict[str, Any], figures: dict[str, Any]) -> list[str]:
    points = [
        _buildings(figures),
        _campus_security(story),
        _vehicles(story),
        _drowning(story),
        # After the seed's four points, so a summary without food logs reads as the seed does.
        _food(figures, story.get("measures_in_campaign") or {}),
    ]
    return numbered([p for p in points if p])


def _buildings(figures: dict[str, Any]) -> str:
    area = next((a for a in figures["areas"] if a["code"] == "building"), None)
    if not area or not area["found"]:
        return ""
    text = f"加强基础设施建设，消除校舍安全隐患。专项行动中排查校舍安全隐患{n(area['found'])}项"
    text += f"，已整改销号{n(area['closed'])}项" if area["closed"] else ""
    text += f"，其余{n(area['open'])}项正在整改。" if area["open"] else "，已全部整改销号。"
    return text


def _campus_security(story: dict[str, Any]) -> str:
    security, measures = story.get("security") or {}, story.get("measures") or {}
    childcare = story.get("childcare") or {}
    sentences = []
    if security.get("duty_schools"):
        sentences.append(
            f"实行24小时专人值班制度，{n(security['duty_schools'])}所学校落实了值班排班，"
            "严格执行学校出入管理制度"
        )
    if security.get("visitors"):
        line = f"严格落实外来人员准入登记或验证制度，登记来访人员{n(security['visitors'])}人次"
        if security.get("refused"):
            line += f"，劝离无正当事由人员{n(security['refused'])}人次"
        sentences.append(line)
    text = "，".join(sentences) + "。" if sentences else ""
    if measures.get("new_police_rooms"):
        text += f"今年全区增设了{n(measures['new_police_rooms'])}个校园警务室。"
    if childcare:
        month = datetime.date.fromisoformat(childcare["first"]).month
        who = departments_phrase(childcare["departments"])
        text += f"{fig(month)}月份，局相关科室" + (f"会同{who}" if who else "")
        text += f"对全区{n(childcare['schools'])}家幼托机构进行了检查和督促"
        text += (
            f"，{n(childcare['rectified'])}所幼儿园落实了整改措施。"
            if childcare.get("rectified")
            else "。"
        )
    tail = []
    if measures.get("auxiliary_police"):
        tail.append(f"全区现有辅警{n(measures['auxiliary_police'])}名")
    if measures.get("defence_funding_10k"):
        tail.append(f"落实物防技防经费{n(measures['defence_funding_10k'])}万元")
    text += "，".join(tail) + ("。" if tail else "")
    return f"切实加强中小学（幼儿园）校园安保工作，{text}" if text else ""


def _vehicles(story: dict[str, Any]) -> str:
    parts = []
    survey, enforcement, escort = (story.get(k) or {} for k in ("survey", "enforcement", "escort"))
    if survey:
        parts.append(
            f"{fig(part_of_month(datetime.date.fromisoformat(survey['first'])))}，"
            f"对{n(survey['schools'])}所{_survey_kinds(survey)}进行了专项调研督促和隐患排查"
        )
    if enforcement:
        who = departments_phrase(enforcement["departments"])
        parts.append(
            f"{fig(part_of_month(datetime.date.fromisoformat(enforcement['first'])))}，"
            + (f"会同{who}" if who else "")
            + f"对{kinds_phrase(enforcement)}进行了重点专项执法和监管"
        )
    if escort:
        parts.append(
            f"{fig(part_of_month(datetime.date.fromisoformat(escort['first'])))}，"
            f"{n(escort['schools'])}所学校试行家长护导队制度"
        )
    if not parts:
        return ""
    return "高度重视师生接送车安全管理工作。" + "；".join(parts) + "。"


def food_control(m: dict[str, Any]) -> str:
    """开展从业人员晨检…次，食品留样…份，…: the daily food-safety control of a period, or empty
    where nothing was recorded (figures frozen before the food logs have none)."""
    if not (m.get("morning_checks") or m.get("food_samples")):
        return ""
    return _clauses(
        f"开展食堂从业人员晨检{n(m.get('morning_checks', 0))}次，食品留样{n(m.get('food_samples', 0))}份",
        (m.get("accompanying_meals"), "，学校领导陪餐{}餐次"),
        (m.get("supplier_certificates"), "，索取供货商证照票据{}份"),
        (m.get("samples_missed"), "；{}餐次未在餐次结束前留样，已督促相关学校整改"),
    )


def drill_sentence(m: dict[str, Any]) -> str:
    """组织应急演练…次，…所学校参加，参演师生…人次: the drills of a period, or empty where none was
    recorded (figures frozen before the drill register have none)."""
    if not m.get("drills"):
        return ""
    return _clauses(
        f"组织应急演练{n(m['drills'])}次",
        (m.get("drill_schools"), "，{}所学校参加"),
        (m.get("drill_participants"), "，参演师生{}人次"),
    )


def _clauses(text: str, *optional: tuple[Any, str]) -> str:
    """`text`, then each (figure, clause) whose figure is not zero, the figure written in."""
    return text + "".join(clause.format(n(figure)) for figure, clause in optional if figure)


def _food(figures: dict[str, Any], measures: dict[str, Any]) -> str:
    area = next((a for a in figures["areas"] if a["code"] == "food"), None)
    parts = []
    if area and area["found"]:
        found = f"专项行动中排查食品卫生安全隐患{n(area['found'])}项"
        found += f"，已整改销号{n(area['closed'])}项" if area["closed"] else ""
        parts.append(found)
    control = food_control(measures)
    if control:
        schools = measures.get("canteen_schools")
        where = f"全区{n(schools)}所自办食堂的学校" if schools else "各自办食堂的学校"
        parts.append(f"{where}落实食品安全日管控，{control}")
    if not parts:
        return ""
    return "加强学校食堂食品安全管理。" + "；".join(parts) + "。"


def _survey_kinds(survey: dict[str, Any]) -> str:
    schools = survey.get("others", 0) + survey.get("migrant", 0)
    if schools and survey.get("childcare"):
        return "中小学、幼儿园"
    return "幼儿园" if survey.get("childcare") else "中小学"


def _drowning(story: dict[str, Any]) -> str:
    drowning, measures = story.get("drowning") or {}, story.get("measures") or {}
    if not (drowning.get("activities") or drowning.get("signed")):
        return ""
    text = "加强学生防溺水安全工作。"
    if drowning.get("activities"):
        months = "、".join(f"{m}月" for m in drowning["months"])
        text += (
            f"{fig(months)}，全区{n(drowning['schools'])}所学校开展防溺水教育活动"
            f"{n(drowning['activities'])}次"
        )
        if drowning.get("home_school"):
            text += f"，其中家校联系活动{n(drowning['home_school'])}次"
        text += "，增强中小学生游泳安全意识，强化学校的主动教育和积极防范的责任意识，"
        text += "强化学生法定监护人的监护责任意识。"
    text += (
        "要求家长做到“四个不”，即不在无家长或老师带领的情况下游泳，不与同学结伴私自游泳，"
        "不到无安全保障的水域游泳，不在上下学途中下河塘嬉水"
    )
    text += f"，{n(drowning['signed'])}名学生家长签收了告知书。" if drowning.get("signed") else "。"
    migrant, left = measures.get("migrant_children"), measures.get("left_behind_children")
    if migrant or left or drowning.get("special_groups"):
        groups = []
        if migrant:
            groups.append(f"外来务工人员子女{n(migrant)}名")
        if left:
            groups.append(f"留守儿童{n(left)}名")
        text += "同时专题研究外来务工人员子女、留守儿童等特殊群体的安全教育和管理工作"
        text += f"，全区在册{'、'.join(groups)}，均落实了结对关爱教师。" if groups else "。"
    return text


def _problems(figures: dict[str, Any]) -> list[str]:
    total, story = figures["total"], figures.get("story") or {}
    points = []
    if total["open"]:
        heavy = sorted(figures["areas"], key=lambda a: a["open"], reverse=True)
        names = "、".join(a["name"] for a in heavy[:2] if a["open"])
        text = (
            f"部分隐患整改尚未到位。截至{fig(day_text(figures['as_of']))}，"
            f"仍有{n(total['open'])}项隐患尚未整改销号，主要集中在{names}方面"
        )
        text += (
            f"，其中{n(total['overdue'])}项已超过整改期限，个别学校整改进度滞后。"
            if total["overdue"]
            else "，均在整改期限内，需跟踪督促。"
        )
        points.append(text)
    plans = story.get("plans") or {}
    missing = plans.get("missing_childcare", 0) + plans.get("missing_schools", 0)
    if missing:
        points.append(
            f"个别单位工作落实不够到位，尚有{n(missing)}所学校（幼儿园）未报送专项行动工作方案。"
        )
    around = story.get("surroundings") or {}
    short = around.get("schools", 0) - around.get("meeting", 0)
    if short:
        points.append(f"校园周边环境治理仍需加强，{n(short)}所学校周边尚未完全达到“四无”要求。")
    measures = story.get("measures_in_campaign") or {}
    if measures.get("incidents"):
        points.append(
            "安全事故仍有发生。"
            + incidents_sentence(
                measures["incidents"], measures.get("major_liability_incidents", 0), "专项行动期间"
            )
        )
    if not points:
        return ["排查出的隐患已全部整改销号，但学校安全工作点多面广，仍需常抓不懈，防止隐患反弹。"]
    return numbered(points)


def _next_steps(figures: dict[str, Any]) -> list[str]:
    total = figures["total"]
    first = "健全长效机制。继续落实隐患排查整改月报和季报制度"
    first += (
        f"，对尚未整改的{n(total['open'])}项隐患逐项跟踪督办，确保整改到位、按期销号。"
        if total["open"]
        else "，巩固专项行动成果，防止隐患反弹。"
    )
    return numbered(
        [
            first,
            "深化部门联动。会同公安、交警、消防、食品监管等部门开展校园周边环境联合整治，"
            "巩固“四无”成果。",
            "抓好重点领域。加强学生接送车辆管理和防溺水安全教育，落实家校联系，"
            "关注外来务工人员子女和留守儿童等特殊群体。",
        ]
    )


# ---- the quarterly report ---------------------------------------------------------------------


def quarterly_report(figures: dict[str, Any]) -> str:
    scope = figures["scope"]
    lines = [
        f"根据学校安全工作报告制度，现将我局{scope}学校安全工作情况报告如下。",
        "# 隐患排查整改情况",
        _quarter_hazards(figures),
        TABLES_MARK,
    ]
    work = _quarter_work(figures)
    if work:
        lines += ["# 主要工作", *work]
    lines += ["# 存在问题", *_quarter_problems(figures)]
    lines += ["# 下一步工作", *_quarter_next(figures)]
    return "\n".join(lines)


def _quarter_hazards(figures: dict[str, Any]) -> str:
    new, carried, total = figures["new"], figures["carried"], figures["total"]
    text = f"本季度全区{school_phrase(figures['schools'])}新排查发现安全隐患{n(new['found'])}项"
    listed = area_list(figures["new_areas"])
    text += f"，其中{listed}" if listed else ""
    text += (
        f"；上季度结转未整改隐患{n(carried['found'])}项"
        if carried["found"]
        else f"；{fig('无')}上季度结转未整改隐患"
    )
    text += f"，本季度应整改隐患共{n(total['found'])}项。"
    if total["found"]:
        text += f"截至{fig(day_text(figures['as_of']))}，" + state_sentence(total, figures)
    return text


def _quarter_work(figures: dict[str, Any]) -> list[str]:
    lines = []
    held = figures.get("inspections_by_kind") or {}
    if held:
        parts = "，".join(f"{KIND_WORDS.get(k, k)}{n(v)}次" for k, v in held.items() if v)
        lines.append(f"本季度全区共开展各类安全检查{n(sum(held.values()))}次，其中{parts}。")
    monthly = figures.get("compliance") or []
    if monthly:
        expected = sum(m["expected"] for m in monthly)
        on_time = sum(m[Compliance.ON_TIME] for m in monthly)
        late = sum(m[Compliance.LATE] for m in monthly)
        missing = sum(m[Compliance.MISSING] + m[Compliance.RETURNED] for m in monthly)
        text = (
            f"各校按月报送隐患排查整改情况，本季度应报月报{n(expected)}份，按时报送{n(on_time)}份"
        )
        text += f"，逾期报送{n(late)}份" if late else ""
        text += f"，未报{n(missing)}份。" if missing else f"，{fig('无')}漏报。"
        lines.append(text)
    measures = _quarter_measures(figures.get("measures") or {})
    if measures:
        lines.append(measures)
    risks = risk_sentence(figures.get("risks"))
    if risks:
        lines.append(risks)
    return lines


RISK_WORDS = {
    "red": "重大风险（红色）",
    "orange": "较大风险（橙色）",
    "yellow": "一般风险（黄色）",
    "blue": "低风险（蓝色）",
}


def risk_sentence(risks: dict[str, Any] | None) -> str:
    """全区…所学校辨识登记风险点…个，其中…: the risk registers at the period's end, or empty
    where none was kept (figures frozen before the register have none)."""
    if not risks:
        return ""
    levels = "、".join(
        f"{RISK_WORDS[code]}{n(count)}个" for code, count in risks["by_level"].items() if count
    )
    text = f"全区{n(risks.get('schools', 0))}所学校落实风险分级管控，辨识登记风险点{n(risks['total'])}个"
    text += f"，其中{levels}" if levels else ""
    if risks.get("reassessed_after_recurrence"):
        text += f"；因隐患复发重新评估风险点{n(risks['reassessed_after_recurrence'])}个"
    if risks.get("to_reassess"):
        text += f"，尚有{n(risks['to_reassess'])}个风险点待重新评估"
    return text + "。"


def _quarter_measures(m: dict[str, Any]) -> str:
    """The quarter's share of the year's measures: this quarter, and the year so far."""
    if not m:
        return ""
    parts = []
    quarter, year = m["quarter"], m["year"]
    rooms, rooms_year = quarter["new_police_rooms"], year["new_police_rooms"]
    if rooms:
        parts.append(f"本季度新建校园警务室{n(rooms)}个，今年以来累计{n(rooms_year)}个")
    elif rooms_year:
        parts.append(f"今年以来累计新建校园警务室{n(rooms_year)}个（本季度{fig('无')}新建）")
    if quarter["auxiliary_police"]:
        parts.append(f"全区现有辅警{n(quarter['auxiliary_police'])}名")
    if m.get("year_end") and year["defence_funding_10k"]:
        parts.append(f"全年落实物防技防经费{n(year['defence_funding_10k'])}万元")
    if quarter["drowning_activities"]:
        parts.append(f"开展防溺水教育活动{n(quarter['drowning_activities'])}次")
    if quarter["surroundings_checks"]:
        parts.append(f"开展校园周边环境检查{n(quarter['surroundings_checks'])}次")
    drills = drill_sentence(quarter)
    if drills:
        parts.append(drills)
    control = food_control(quarter)
    if control:
        parts.append(control)
    text = "，".join(parts) + "。" if parts else ""
    return text + incidents_sentence(
        quarter["incidents"], quarter["major_liability_incidents"], "本季度"
    )


def _quarter_problems(figures: dict[str, Any]) -> list[str]:
    total = figures["total"]
    if not total["open"]:
        return ["本季度应整改隐患已全部整改销号，但学校安全工作常抓不懈，仍需防止隐患反弹。"]
    heavy = sorted(figures["areas"], key=lambda a: a["open"], reverse=True)
    names = "、".join(a["name"] for a in heavy[:2] if a["open"])
    text = f"仍有{n(total['open'])}项隐患尚未整改销号，主要集中在{names}方面"
    if total["overdue"]:
        text += (
            f"，其中{n(total['overdue'])}项已超过整改期限，个别学校整改进度滞后，需加大督办力度。"
        )
    else:
        text += "，均在整改期限内，需跟踪督促，确保按期整改销号。"
    return [text]


def _quarter_next(figures: dict[str, Any]) -> list[str]:
    total = figures["total"]
    first = "继续落实隐患排查整改月报制度"
    first += (
        f"，对尚未整改的{n(total['open'])}项隐患逐项督办，确保整改到位、按期销号。"
        if total["open"]
        else "，巩固整改成果。"
    )
    return numbered(
        [
            first,
            "会同公安、交警、消防、食品监管等部门开展校园周边环境联合整治，巩固“四无”目标。",
            "加强学生接送车辆和防溺水安全管理，落实家校联系，关注外来务工人员子女和留守儿童。",
        ]
    )
