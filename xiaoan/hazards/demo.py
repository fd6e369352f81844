"""The seed's 103 hazards of the 2014 campaign, each with a full, realistic history.

vehicle 8, building 29, fire 29, food 14, lab 12, security 11, spread over the district's
schools and kindergartens, dated July–December 2014. Every step goes through the workflow
methods (so the history is what the product itself would have written), then the event times
are set back to 2014. Every submission for verification carries a (generated) after-photo, as
the workflow requires. Idempotent: a hazard is found by its code and never created twice.

Open hazards that are not meant to be overdue get a deadline a few weeks after the day the demo
is loaded, so the live boards show "a few overdue" rather than every open hazard.
"""

from __future__ import annotations

import datetime
import functools
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from PIL import Image, ImageDraw

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.campaigns.demo import demo_campaign
from xiaoan.core.dates import local_today, replaying
from xiaoan.schools.choices import DepartmentKind, SchoolKind
from xiaoan.schools.demo import DEMO_PASSWORD, demo_bureau
from xiaoan.schools.models import Department, School

from .choices import HazardLevel, HazardSource
from .models import Area, Hazard, HazardEvent, HazardPhoto
from .photos import ProcessedImage, process_upload

ZONE = ZoneInfo("Asia/Shanghai")
AREA_COUNTS = {"vehicle": 8, "building": 29, "fire": 29, "food": 14, "lab": 12, "security": 11}
# 74 closed, 11 rectifying, 6 awaiting verification, 5 assigned, 4 reported, 3 rejected.
STATE_MIX = (
    ["closed"] * 74
    + ["rectifying"] * 11
    + ["awaiting_verification"] * 6
    + ["assigned"] * 5
    + ["reported"] * 4
    + ["rejected"] * 3
)
OVERDUE = {"rectifying": 3, "assigned": 2}

# (description, location, measures, cost in yuan)
TEXTS: dict[str, list[tuple[str, str, str, int]]] = {
    "vehicle": [
        ("学生接送车未配备随车照管人员", "校门口接送点", "已落实随车照管教师2名并建立跟车登记", 0),
        ("接送车驾驶人驾驶证未审验", "车辆管理档案", "更换具备资质驾驶人，原驾驶人停止接送", 0),
        ("接送车逾期未年检", "停车场", "车辆已送检并取得检验合格标志", 800),
        ("接送车超员载客，核载19人实载26人", "接送路线", "增派一辆车辆分批接送，严禁超员", 0),
        ("接送车未配备安全锤和灭火器", "接送车内", "已配齐安全锤4把、灭火器2具", 260),
        ("接送车未按审批路线行驶", "接送路线", "重新备案路线并安装卫星定位监控", 1500),
        ("上下车未清点人数，无交接记录", "校门口接送点", "建立上下车清点交接制度并每日登记", 0),
        ("使用无营运资质面包车接送学生", "校外临时停靠点", "停用无资质车辆，改由合规校车接送", 0),
    ],
    "building": [
        (
            "教学楼外墙瓷砖局部空鼓脱落",
            "教学楼北侧外墙",
            "拆除空鼓瓷砖并重新铺贴，设置警示区",
            12000,
        ),
        ("围墙倾斜开裂，存在倒塌隐患", "学校东侧围墙", "拆除危墙段并重新砌筑", 36000),
        ("楼梯扶手松动，栏杆高度不足1.1米", "教学楼二楼楼梯", "加固扶手，加高栏杆至1.2米", 4800),
        ("屋面防水层老化，教室漏雨", "综合楼顶层", "重做屋面防水层", 18000),
        ("D级危房仍在使用", "老教学楼", "危房停止使用并拆除，师生迁入新楼", 150000),
        ("宿舍楼窗户防护栏锈蚀", "学生宿舍三楼", "更换不锈钢防护栏", 6500),
        ("食堂操作间吊顶受潮下垂", "食堂操作间", "拆除受潮吊顶，更换铝扣板", 5200),
        ("运动场看台护栏焊点开裂", "运动场看台", "重新焊接并防锈处理", 2100),
        ("校舍抗震加固工程未完工即投入使用", "新建综合楼", "完成加固工程并通过验收后使用", 80000),
        ("走廊地面破损易致滑倒", "教学楼一楼走廊", "修补地面并铺设防滑地砖", 3000),
    ],
    "fire": [
        ("消防通道堆放杂物", "教学楼一楼东侧通道", "清理杂物，划定禁停禁放标线", 300),
        ("灭火器过期未更换", "教学楼各楼层", "更换灭火器36具并建立检查台账", 5400),
        ("应急照明灯损坏", "宿舍楼楼梯间", "更换应急照明灯12盏", 1800),
        ("安全出口指示标志缺失", "报告厅", "补装安全出口指示标志8处", 900),
        ("消防栓无水或水压不足", "实验楼消防栓", "维修消防供水管网，测试水压合格", 7600),
        ("宿舍私拉乱接电线", "学生宿舍", "拆除私拉电线，规范线路并加装漏电保护", 2400),
        ("学生宿舍未安装火灾自动报警系统", "学生宿舍楼", "安装独立式感烟火灾探测报警器", 26000),
        ("疏散通道防火门常闭失效", "综合楼楼梯间", "更换闭门器并恢复常闭", 1600),
        (
            "厨房燃气管道老化，无泄漏报警装置",
            "食堂厨房",
            "更换燃气管道并安装泄漏报警切断装置",
            9800,
        ),
        ("配电房堆放易燃物品", "配电房", "清除易燃物，配备干粉灭火器", 200),
    ],
    "food": [
        ("食堂从业人员健康证过期", "学校食堂", "相关人员已重新体检并取得健康证", 600),
        ("食品留样不足48小时", "食堂留样柜", "规范留样制度，配备专用留样冰箱", 1200),
        ("生熟食品混放", "食堂冷藏间", "分设生熟冷藏柜并标识", 3500),
        ("餐具消毒设施未正常使用", "食堂洗消间", "维修消毒柜并落实消毒记录", 800),
        ("食品原料采购索证索票不全", "食堂仓库", "建立供货商档案，落实索证索票", 0),
        ("防鼠防蝇设施缺失", "食堂操作间", "加装挡鼠板、纱窗和灭蝇灯", 1500),
        ("幼儿园自制点心无制作记录", "幼儿园厨房", "建立点心制作及留样记录", 0),
    ],
    "lab": [
        ("危险化学品未落实双人双锁管理", "化学实验室药品室", "更换双锁药品柜，落实双人保管", 4200),
        ("危化品购买、使用、处置登记不全", "化学实验室", "补齐台账，建立领用审批登记", 0),
        ("实验室未配备洗眼器和喷淋装置", "化学实验室", "安装紧急洗眼器和喷淋装置", 3800),
        ("废液随意倾倒，无回收处置", "实验准备室", "配置废液回收桶，委托有资质单位处置", 2000),
        ("药品柜无通风设施", "药品储藏室", "加装防爆排风扇", 2600),
        ("实验室电源线路老化", "物理实验室", "更换线路及插座，加装漏电保护", 5500),
    ],
    "security": [
        ("门卫室外来人员登记不全", "学校大门", "落实来访人员身份核验登记制度", 0),
        ("监控探头损坏，存在盲区", "校园围墙周边", "维修更换探头6个，消除盲区", 7200),
        ("校门口未设置减速带和警示标志", "学校大门外道路", "会同交警设置减速带及警示标志", 3000),
        ("夜间值班人员脱岗", "门卫室", "严格执行24小时值班，加强督查", 0),
        ("校园周边存在无证流动摊贩", "学校大门两侧", "会同城管、市场监管清理流动摊贩", 0),
        ("防冲撞设施缺失", "学校大门", "安装防冲撞隔离桩", 9000),
        ("保安人员未配备防卫器械", "门卫室", "配齐钢叉、防暴头盔等器械", 1600),
        ("学校周边200米内有网吧", "学校北侧街道", "报请文化执法部门依法处理", 0),
    ],
}
MAJOR = {
    "D级危房仍在使用",
    "围墙倾斜开裂，存在倒塌隐患",
    "学生宿舍未安装火灾自动报警系统",
    "使用无营运资质面包车接送学生",
    "校舍抗震加固工程未完工即投入使用",
}
OPINIONS = {
    "vehicle": "立即停止违规接送，按规定整改并报区教育局复查",
    "building": "设置警示隔离，限期维修加固，整改完成后报请复查",
    "fire": "立即落实临时管控措施，限期整改到位，消防器材定期检查",
    "food": "严格执行食品安全管理制度，限期整改并报市场监管部门复查",
    "lab": "落实危险化学品安全管理制度，限期整改",
    "security": "加强人防物防技防，限期整改到位",
}
RESPONSIBLE = ["总务主任", "安全办主任", "后勤副校长", "分管副园长", "保卫科长"]


@dataclass
class Plan:
    number: int
    area: str
    text: tuple[str, str, str, int]
    school: School
    state: str
    found_on: datetime.date
    overdue: bool = False
    department: Department | None = None
    source: str = HazardSource.INSPECTION
    extras: list[str] = field(default_factory=list)


def load() -> None:
    bureau = demo_bureau()
    if Hazard.objects.filter(bureau=bureau, code="YH-2014-0103").exists():
        return
    with transaction.atomic():
        people = _people(bureau)
        areas = {a.code: a for a in Area.objects.all()}
        campaign = demo_campaign()
        for plan in _plans(bureau):
            if not Hazard.objects.filter(bureau=bureau, code=f"YH-2014-{plan.number:04d}").exists():
                _build(plan, areas[plan.area], campaign, people)


def _people(bureau: Any) -> dict[str, Any]:
    """The demo actors; each school with hazards gets a safety officer (school003, …)."""
    User = get_user_model()
    people = {name: User.objects.get(username=name) for name in ("bureau", "leader", "fire")}
    password = make_password(DEMO_PASSWORD)  # hashed once: fast, and the officers can log in
    for school in School.objects.filter(bureau=bureau):
        username = f"school{school.code[1:]}"
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": school.principal, "password": password}
        )
        if created:
            Membership.objects.get_or_create(
                user=user,
                defaults={"role": Role.SCHOOL_ADMIN, "bureau": bureau, "school": school},
            )
        people[school.code] = user
    return people


def _plans(bureau: Any) -> list[Plan]:
    rng = random.Random(2014)
    schools = list(School.objects.filter(bureau=bureau).order_by("code"))
    departments = {d.kind: d for d in Department.objects.filter(bureau=bureau)}
    states = STATE_MIX[:]
    rng.shuffle(states)
    plans: list[Plan] = []
    for area, count in AREA_COUNTS.items():
        pool = _schools_for(area, schools)
        for i in range(count):
            state = states.pop()
            # Every school appears: the first pass walks the schools in turn.
            school = pool[(len(plans) * 7 + i) % len(pool)] if len(plans) < 60 else rng.choice(pool)
            plans.append(
                Plan(0, area, rng.choice(TEXTS[area]), school, state, _found_on(rng, state))
            )
    _demo_accounts_schools(plans, schools)
    plans.sort(key=lambda p: (p.found_on, p.area, p.school.code))
    for number, plan in enumerate(plans, start=1):
        plan.number = number
        _source(plan, rng, departments)
    _mark_overdue(plans)
    return plans


def _schools_for(area: str, schools: list[School]) -> list[School]:
    if area == "lab":
        kinds = {SchoolKind.JUNIOR, SchoolKind.SENIOR, SchoolKind.NINE_YEAR, SchoolKind.VOCATIONAL}
        return [s for s in schools if s.kind in kinds]
    if area == "vehicle":
        return [s for s in schools if s.kind in (SchoolKind.KINDERGARTEN, SchoolKind.MIGRANT)][:23]
    return schools


def _found_on(rng: random.Random, state: str) -> datetime.date:
    start, end = (
        (datetime.date(2014, 7, 16), datetime.date(2014, 11, 20))
        if state in ("closed", "rejected")
        else (datetime.date(2014, 10, 20), datetime.date(2014, 12, 19))
    )
    return start + datetime.timedelta(days=rng.randrange((end - start).days))


def _demo_accounts_schools(plans: list[Plan], schools: list[School]) -> None:
    """School001 and school002 (the demo logins) get hazards in several states to work on."""
    wanted = {
        "S001": ["closed", "rectifying", "assigned", "reported"],
        "S002": ["closed", "closed"],
    }
    by_code = {s.code: s for s in schools}
    taken: set[int] = set()
    for code, states in wanted.items():
        for state in states:
            target = next(
                p
                for p in plans
                if p.state == state and p.area not in ("lab", "vehicle") and id(p) not in taken
            )
            taken.add(id(p := target))
            p.school = by_code[code]


def _source(plan: Plan, rng: random.Random, departments: dict[str, Department]) -> None:
    roll = rng.random()
    kind = {"fire": DepartmentKind.FIRE, "vehicle": DepartmentKind.TRAFFIC_POLICE}.get(plan.area)
    if plan.area == "food" and roll < 0.25:
        kind = DepartmentKind.FOOD
    if kind and roll < 0.4:
        plan.department = departments.get(kind)
    elif roll < 0.5:
        pass  # found by the bureau's own joint or leadership inspection
    elif roll < 0.92:
        plan.source = HazardSource.SELF_REPORT
    else:
        plan.source = HazardSource.PUBLIC_TIP
    if plan.number % 11 == 0 and plan.state in ("closed", "rectifying"):
        plan.extras.append("extension")


def _mark_overdue(plans: list[Plan]) -> None:
    for state, count in OVERDUE.items():
        for plan in [p for p in plans if p.state == state][:count]:
            plan.overdue = True
    # Only the first report of each grave situation counts as major: a handful, as in life.
    seen: set[str] = set()
    for plan in plans:
        if plan.text[0] not in MAJOR:
            continue
        if plan.text[0] in seen or plan.state == "rejected":
            # A grave situation found again elsewhere is told as an ordinary one of its area.
            ordinary = [t for t in TEXTS[plan.area] if t[0] not in MAJOR]
            plan.text = ordinary[plan.number % len(ordinary)]
            continue
        seen.add(plan.text[0])
        plan.extras.append("major")
    majors_open = [p for p in plans if "major" in p.extras and p.state == "rectifying"]
    if not majors_open:  # the seed's story needs one major hazard under supervision
        plan = next(p for p in plans if p.state == "rectifying" and p.area == "building")
        plan.text = TEXTS["building"][4]
        plan.extras.append("major")
    for plan in plans:
        if "major" in plan.extras and plan.state in ("closed", "rectifying"):
            plan.extras.append("supervise")


class Clock:
    """Hands out the 2014 moments of one hazard's history, in order."""

    def __init__(self, day: datetime.date, seed: int) -> None:
        self.rng = random.Random(seed)
        self.moment = datetime.datetime.combine(day, datetime.time(9, 0), ZONE)

    def next(self, days: tuple[int, int] = (0, 2)) -> datetime.datetime:
        self.moment += datetime.timedelta(
            days=self.rng.randint(*days), hours=self.rng.randint(1, 5)
        )
        return self.moment


def _at(event: HazardEvent, moment: datetime.datetime) -> None:
    HazardEvent.objects.filter(pk=event.pk).update(created_at=moment, updated_at=moment)
    HazardPhoto.objects.filter(event=event).update(created_at=moment, updated_at=moment)


def _build(plan: Plan, area: Area, campaign: Any, people: dict[str, Any]) -> None:
    school_officer = people[plan.school.code]
    finder = people["fire"] if plan.department and plan.department.kind == "fire" else None
    reporter = finder or (school_officer if plan.source == "self_report" else people["bureau"])
    clock = Clock(plan.found_on, plan.number)
    today = local_today()
    # The history is taken as on the day found: its 2014 deadlines were not in the past then.
    with replaying(plan.found_on):
        _report_and_replay(plan, area, campaign, people, reporter, clock, today)


def _report_and_replay(
    plan: Plan,
    area: Area,
    campaign: Any,
    people: dict[str, Any],
    reporter: Any,
    clock: Clock,
    today: datetime.date,
) -> None:
    description, location = plan.text[0], plan.text[1]
    hazard = Hazard.objects.report(
        school=plan.school,
        area=area,
        level=HazardLevel.MAJOR if "major" in plan.extras else HazardLevel.GENERAL,
        description=description,
        location=location,
        found_on=plan.found_on,
        source=plan.source,
        campaign=campaign,
        department=plan.department,
        reported_by=reporter,
    )
    _at(hazard.events.get(), clock.next((0, 0)))
    Hazard.objects.filter(pk=hazard.pk).update(created_at=clock.moment)
    _replay(plan, hazard, clock, people, today)


def _replay(
    plan: Plan, hazard: Hazard, clock: Clock, people: dict[str, Any], today: datetime.date
) -> None:
    """Every step after the report, each dated in 2014."""
    measures, cost = plan.text[2], plan.text[3]
    school_officer = people[plan.school.code]
    finder = people["fire"] if plan.department and plan.department.kind == "fire" else None
    manager = finder or people["bureau"]
    if plan.state == "reported":
        return
    if plan.state == "rejected":
        _at(hazard.reject(manager, reason="经现场核实，该情况已于检查前整改，不属实"), clock.next())
        return
    if "supervise" in plan.extras:
        _at(
            hazard.supervise(people["leader"], comment="重大隐患，挂牌督办，限期整改销号"),
            clock.next(),
        )
    days = 30 if hazard.is_major else 14
    deadline = _deadline(plan, days, today)
    event = hazard.assign(
        manager,
        opinion=OPINIONS[plan.area],
        deadline=deadline,
        responsible_person=f"{plan.school.principal}（{RESPONSIBLE[plan.number % 5]}）",
        interim_control="设置警示标志，安排专人看护" if hazard.is_major else "",
    )
    _at(event, clock.next((1, 3)))
    if plan.state == "assigned":
        return
    _at(hazard.start(school_officer, comment="已组织人员开展整改"), clock.next((1, 2)))
    _history(plan, hazard, clock, school_officer, manager, measures, cost, people)


def _deadline(plan: Plan, days: int, today: datetime.date) -> datetime.date:
    if plan.state in ("closed", "awaiting_verification", "rejected") or plan.overdue:
        return plan.found_on + datetime.timedelta(days=days)
    # Still running: due some weeks after the day the demo is loaded (see the module note).
    return max(plan.found_on, today) + datetime.timedelta(days=10 + plan.number % 30)


def _history(
    plan: Plan,
    hazard: Hazard,
    clock: Clock,
    officer: Any,
    manager: Any,
    measures: str,
    cost: int,
    people: dict[str, Any],
) -> None:
    if "extension" in plan.extras and hazard.deadline:
        later = hazard.deadline + datetime.timedelta(days=15)
        _at(
            hazard.request_extension(
                officer, new_deadline=later, reason="需等待材料采购到位"
            ).request_event,
            clock.next((2, 4)),
        )
        _at(hazard.decide_extension(manager, approve=True, comment="同意延期"), clock.next())
    if plan.state == "rectifying":
        return
    submitted = hazard.submit(
        officer,
        measures=measures,
        cost=Decimal(cost) if cost else None,
        photos=[_after_photo(plan.number % 12)],
    )
    _at(submitted, clock.next((3, 9)))
    if plan.state == "awaiting_verification":
        return
    if plan.number % 9 == 0:
        failed = hazard.verify(manager, passed=False, comment="复查发现整改不彻底，请继续整改")
        _at(failed, clock.next((1, 3)))
        again = hazard.submit(
            officer,
            measures=measures + "，已补充整改",
            photos=[_after_photo((plan.number + 1) % 12)],
        )
        _at(again, clock.next((2, 5)))
    verified = hazard.verify(manager, passed=True, comment="复查合格，予以销号")
    moment = clock.next((1, 4))
    _at(verified, moment)
    Hazard.objects.filter(pk=hazard.pk).update(closed_at=moment)
    if hazard.supervised:
        _at(hazard.lift_supervision(people["leader"], comment="隐患已销号，撤销督办"), clock.next())


@functools.cache
def _after_photo(variant: int) -> ProcessedImage:
    """A small generated picture standing in for the school's after-rectification photo."""
    rng = random.Random(variant)
    image = Image.new("RGB", (480, 360), (rng.randint(170, 230), rng.randint(170, 230), 200))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x, y = rng.randint(0, 400), rng.randint(0, 280)
        shade = tuple(rng.randint(60, 160) for _ in range(3))
        draw.rectangle((x, y, x + rng.randint(40, 120), y + rng.randint(30, 90)), fill=shade)
    draw.line((190, 190, 230, 230, 300, 130), fill=(20, 140, 60), width=14)  # a tick: done
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    buffer.seek(0)
    return process_upload(buffer)
