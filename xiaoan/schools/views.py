from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import generic

from xiaoan.accounts.access import can_manage_schools, member, membership_of, require_role
from xiaoan.accounts.choices import Role
from xiaoan.core.errors import Invalid, Refused, Stale
from xiaoan.core.excel import ExcelError, workbook_response

from .exports import schools_workbook
from .filters import SchoolFilter
from .forms import SchoolForm, SchoolImportForm, SchoolRetireForm
from .importer import ImportFailed, import_schools
from .models import Department, School


def user_bureau(request: HttpRequest) -> Any:
    """The bureau of the logged-in user's district (views that need it require a role)."""
    return member(request.user).bureau


def filtered_schools(request: HttpRequest) -> SchoolFilter:
    return SchoolFilter(request.GET, queryset=School.objects.for_user(request.user))


class SchoolListView(LoginRequiredMixin, generic.ListView):
    template_name = "schools/school_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[School]:
        self.filterset = filtered_schools(self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["can_manage"] = can_manage_schools(self.request.user)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context


class SchoolDetailView(LoginRequiredMixin, generic.DetailView):
    template_name = "schools/school_detail.html"

    def get_queryset(self) -> QuerySet[School]:
        return School.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can_manage_schools(self.request.user)
        return context


class SchoolFormMixin(LoginRequiredMixin, generic.edit.ModelFormMixin):
    """Shared by add and edit: bureau_admin only, within the user's district."""

    template_name: str | None = "schools/school_form.html"
    form_class = SchoolForm
    model = School
    request: HttpRequest
    object: Any

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            if "pk" in kwargs:  # another school's record is not there (404), before the role
                get_object_or_404(School.objects.for_user(request.user), pk=kwargs["pk"])
            require_role(request.user, Role.BUREAU_ADMIN)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[School]:
        return School.objects.for_user(self.request.user)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["bureau"] = user_bureau(self.request)
        return kwargs

    def form_valid(self, form: Any) -> HttpResponse:
        # Saved under the version read with the form; the change log is written by the save.
        self.object = form.save_or_error()
        if self.object is None:
            return self.form_invalid(form)
        response = HttpResponseRedirect(self.get_success_url())
        messages.success(self.request, _("School “%(name)s” saved.") % {"name": form.instance.name})
        return response


class SchoolCreateView(SchoolFormMixin, generic.CreateView):
    pass


class SchoolUpdateView(SchoolFormMixin, generic.UpdateView):
    pass


@login_required
def school_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a school off the registry from a day (closed, or merged into another school)."""
    school = get_object_or_404(School.objects.for_user(request.user), pk=pk)
    require_role(request.user, Role.BUREAU_ADMIN)
    form = SchoolRetireForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            school.retire(
                request.user, form.cleaned_data["closed_on"], form.cleaned_data["merged_into"]
            )
        except (Invalid, Refused, Stale) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("“%(name)s” has left the registry.") % {"name": school.name}
            )
            return redirect(school)
    return render(request, "schools/school_retire.html", {"form": form, "school": school})


@login_required
def school_export(request: HttpRequest) -> HttpResponse:
    schools = filtered_schools(request).qs
    return workbook_response(schools_workbook(schools), _("School registry") + ".xlsx")


@login_required
def school_import(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.BUREAU_ADMIN)
    form = SchoolImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_schools(
                form.cleaned_data["file"].read(), user_bureau(request), user=request.user
            )
        except ExcelError as exc:
            form.add_error("file", str(exc))
        except ImportFailed as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Import done: %(created)s schools added, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("schools:list")
    return render(request, "schools/school_import.html", {"form": form, "row_errors": errors})


class DepartmentListView(LoginRequiredMixin, generic.ListView):
    """The district's organisations: the bureau, its sections and the partner departments."""

    template_name = "schools/department_list.html"

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.for_user(self.request.user).select_related("bureau")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = membership_of(self.request.user)
        bureau = membership.bureau if membership else None
        context["bureau"] = bureau
        context["sections"] = bureau.sections.all() if bureau else []
        return context
