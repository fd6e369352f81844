"""The accounts the cluster test signs in with (`make cluster-test`, `.ci/cluster`): 300
schools of the demo's district with their safety administrators (`load001`…`load300`), who
each submit one monthly report with the API token their phone keeps (written, one per line,
to the file `CLUSTER_TOKENS` names), and 50 readers among them who sign in through the login
page and read ledgers and home pages.

Run inside the app's environment: `xiaoan shell -c "import benchmarks._cluster_setup as s; s.main()"`
(the checkout's `benchmarks` package on the path)."""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.schools.models import Bureau, School

SCHOOLS = 300
PASSWORD = "Load-test-2014"


def main() -> None:
    bureau = Bureau.objects.order_by("pk").first()
    assert bureau is not None, "load the demo district first (xiaoan demo)"
    users = get_user_model()
    with transaction.atomic():
        schools = School.objects.bulk_create(
            School(bureau=bureau, code=f"L{n:03d}", name=f"负载测试第{n}学校", kind="primary")
            for n in range(1, SCHOOLS + 1)
        )
        prototype = users(username="prototype")
        prototype.set_password(PASSWORD)  # one hash for all: 300 hashes would take minutes
        accounts = users.objects.bulk_create(
            users(username=f"load{n:03d}", password=prototype.password, first_name=f"负载{n}")
            for n in range(1, SCHOOLS + 1)
        )
        Membership.objects.bulk_create(
            Membership(user=user, role=Role.SCHOOL_ADMIN, bureau=bureau, school=school)
            for user, school in zip(accounts, schools, strict=True)
        )
        tokens = Token.objects.bulk_create(
            Token(user=user, key=Token.generate_key()) for user in accounts
        )
    with open(os.environ["CLUSTER_TOKENS"], "w") as out:
        out.writelines(f"{token.key}\n" for token in tokens)
    print(f"{SCHOOLS} schools and their administrators, password {PASSWORD}")
