import cProfile, pstats, functools, io
from ._district import member
from .pages import build, quietly

def run():
    district = build("339000", 3000)
    def work():
        from django.test import Client
        from xiaoan.accounts.choices import Role
        user = member(district, "p-bureau", Role.BUREAU_ADMIN)
        c = Client(); c.force_login(user)
        for url in ("/hazards/", "/"):
            for _ in range(3): c.get(url)
            pr = cProfile.Profile(); pr.enable()
            for _ in range(20): c.get(url)
            pr.disable()
            s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(45)
            print("=====", url); print(s.getvalue()[:9000])
            s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(25)
            print(s.getvalue()[:6000])
    quietly(work)
