from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_POST

from xiaoan.accounts.access import (
    can_manage_schools,
    forget_membership,
    member,
    membership_of,
    require_role,
)
from xiaoan.accounts.choices import Role
from xiaoan.accounts.exports import keep_for_sheet
from xiaoan.core import imports
from xiaoan.core.errors import Invalid, Refused, Stale
from xiaoan.core.excel import workbook_response
from xiaoan.core.forms import add_domain_error

from .exports import schools_workbook
from .filters import SchoolFilter
from .forms import (
    BureauForm,
    DepartmentForm,
    DistrictSetupForm,
    SchoolForm,
    SchoolRetireForm,
    SectionForm,
)
from .importer import SchoolImporter
from .models import (
    BureauSection,
    Department,
    School,
    check_district_setup,
    set_up_district,
)


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
        # A new school's administrator account is opened in the same transaction.
        try:
            with transaction.atomic():
                self.object = form.save_or_error()
                if self.object is None:
                    return self.form_invalid(form)
                if form.cleaned_data.get("admin_account"):
                    opened = self.object.open_admin_account(
                        self.request.user, form.cleaned_data["admin_username"].strip()
                    )
                    keep_for_sheet(self.request, [opened])
        except Invalid as error:
            form.add_error("admin_username", error.message)
            self.object = None
            return self.form_invalid(form)
        messages.success(self.request, _("School “%(name)s” saved.") % {"name": form.instance.name})
        if form.cleaned_data.get("admin_account"):
            return redirect("accounts:initial_passwords")
        return HttpResponseRedirect(self.get_success_url())


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


# Upload the registry sheet (and whether to open the schools' accounts), checked whole; its
# preview (confirm saves it); the template.
school_import, school_import_preview, school_import_template = imports.import_views(
    SchoolImporter, "schools", "schools:list"
)


class DepartmentListView(LoginRequiredMixin, generic.ListView):
    """The district's organisations: the bureau, its sections and the partner departments,
    those in use first; the bureau safety section adds, renames, retires and reinstates them."""

    template_name = "schools/department_list.html"

    def get_queryset(self) -> QuerySet[Department]:
        departments = Department.objects.for_user(self.request.user).select_related("bureau")
        return departments.order_by("-is_active", "kind", "name")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = membership_of(self.request.user)
        bureau = membership.bureau if membership else None
        context["bureau"] = bureau
        sections = BureauSection.objects.for_user(self.request.user)
        context["sections"] = sections.order_by("-is_active", "name") if bureau else []
        context["can_manage"] = can_manage_schools(self.request.user)
        return context


ORGANISATIONS: dict[str, tuple[type[Any], type[Any]]] = {
    "section": (BureauSection, SectionForm),
    "department": (Department, DepartmentForm),
}


def _organisation(request: HttpRequest, which: str, pk: int) -> Any:
    model, _form = ORGANISATIONS[which]
    return get_object_or_404(model.objects.for_user(request.user), pk=pk)


@login_required
def organisation_form(request: HttpRequest, which: str, pk: int | None = None) -> HttpResponse:
    """Add a section or a department, or rename (edit) one: the bureau safety section's."""
    model, form_class = ORGANISATIONS[which]
    instance = _organisation(request, which, pk) if pk is not None else None
    require_role(request.user, Role.BUREAU_ADMIN)
    form = form_class(request.POST or None, instance=instance, bureau=user_bureau(request))
    if request.method == "POST" and form.is_valid() and form.save_or_error():
        messages.success(request, _("“%(name)s” saved.") % {"name": form.instance.name})
        return redirect("schools:organisations")
    context = {"form": form, "object": instance, "title": model._meta.verbose_name}
    return render(request, "schools/organisation_form.html", context)


@require_POST
@login_required
def organisation_retire(request: HttpRequest, which: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, which, pk)
    organisation.retire(request.user)
    messages.success(
        request,
        _("“%(name)s” is retired: kept on its records, no longer offered.")
        % {"name": organisation.name},
    )
    return redirect("schools:organisations")


@require_POST
@login_required
def organisation_reinstate(request: HttpRequest, which: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, which, pk)
    organisation.reinstate(request.user)
    messages.success(request, _("“%(name)s” is in use again.") % {"name": organisation.name})
    return redirect("schools:organisations")


@login_required
def district_setup(request: HttpRequest) -> HttpResponse:
    """Day one, for the system's superuser: the district and its bureau, no admin site needed.
    Who may and what is refused are `set_up_district`'s rules: once it is set up, the page is
    the bureau's edit page; a refusal of what was typed shows at its field."""
    try:
        check_district_setup(request.user)
    except Refused:
        return redirect("schools:bureau_edit")
    form = DistrictSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_up_district(request.user, **form.cleaned_data)
        except Invalid as error:
            add_domain_error(form, error)
        else:
            forget_membership(request.user)
            messages.success(
                request,
                _("The district is set up. Next: add its departments, then import its schools."),
            )
            return redirect("schools:organisations")
    context = {"form": form, "title": _("Set up your district")}
    return render(request, "schools/district_setup.html", context)


@login_required
def bureau_edit(request: HttpRequest) -> HttpResponse:
    """The district's name and the bureau's name and short name, kept by its safety section;
    the page shows their change history."""
    require_role(request.user, Role.BUREAU_ADMIN)
    bureau = user_bureau(request)
    form = BureauForm(request.POST or None, instance=bureau)
    if request.method == "POST" and form.is_valid() and form.save_or_error():
        messages.success(request, _("The bureau is saved."))
        return redirect("schools:organisations")
    context = {"form": form, "title": _("The education bureau"), "bureau": bureau}
    return render(request, "schools/district_setup.html", context)
