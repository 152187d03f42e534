from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.jobs import Job
from core.pagination import paginate
from reports.paging import counted_page

from . import selectors, services
from .access import can, get_unit_for_user, require_units_page, units_visible_to
from .closing import open_work
from .filters import UnitFilter
from .forms import LoginForm, UnitForm, UnitImportForm
from .list_rows import LIST_COLUMNS, unit_rows


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@require_safe
def unit_list(request):
    require_units_page(request.user)
    filterset = UnitFilter(request.GET, queryset=selectors.unit_list(user=request.user))
    # The page and its count in one query (a search scans every visible unit's folded text once),
    # with the columns the rows draw; the rows drawn in Python (units/list_rows.py).
    page = counted_page(filterset.qs.only(*LIST_COLUMNS), 50, request.GET.get("page"))
    return render(
        request,
        "units/unit_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": unit_rows(page.object_list),
            "can_add": can(request.user, "units.add_unit"),
        },
    )


@require_safe
def unit_tree(request):
    require_units_page(request.user)
    filterset = UnitFilter(request.GET, queryset=selectors.unit_tree(user=request.user))
    # A window of the tree in path order (a province has hundreds of communes); a later page
    # starts with the units above its first row, so that every row keeps its place.
    page = paginate(request, filterset.qs, selectors.TREE_PAGE_SIZE)
    above = selectors.units_above(user=request.user, unit=page[0]) if page.number > 1 else []
    return render(request, "units/unit_tree.html", {"filter": filterset, "page": page, "above": above})


@require_safe
def unit_detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    context = selectors.unit_detail_context(user=request.user, unit=unit)
    context.update(
        unit=unit,
        # The units below by pages, in tree order ("?children=2": the page's own parameter).
        children=paginate(request, context["children"], selectors.CHILDREN_PAGE_SIZE, param="children"),
        can_edit=can(request.user, "units.change_unit", unit),
        # A liaison sees their unit but not the district above it: no link to a 404.
        parent_visible=unit.parent is not None and can(request.user, "units.view_unit", unit.parent),
    )
    return render(request, "units/unit_detail.html", context)


@require_http_methods(["GET", "POST"])
def unit_create(request):
    require_units_page(request.user, "units.add_unit")
    visible = units_visible_to(request.user)
    initial = {}
    if parent_id := request.GET.get("parent", "").strip():
        initial["parent"] = visible.filter(pk=parent_id).first() if parent_id.isdigit() else None
    form = UnitForm(
        request.POST or None,
        units=visible,
        initial=initial,
        top_level_allowed=can(request.user, "units.add_top_level_unit"),
    )
    if request.method == "POST" and form.is_valid():
        unit = services.unit_save(form=form)
        messages.success(request, _("Unit “%(name)s” was created.") % {"name": unit.name})
        return redirect(unit)
    return render(request, "units/unit_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = get_unit_for_user(request.user, pk, write=True)
    form = UnitForm(
        request.POST or None,
        instance=unit,
        units=units_visible_to(request.user),
        top_level_allowed=can(request.user, "units.add_top_level_unit"),
    )
    if request.method == "POST" and form.is_valid():
        services.unit_save(form=form)
        messages.success(request, _("Changes to “%(name)s” were saved.") % {"name": unit.name})
        return redirect(unit)
    context = {"form": form, "unit": unit}
    if form.closing_refused:
        # Closing a unit that still has visits in progress or actions owed: say which, and offer
        # the guided hand-over to its successor (or closing anyway, ticked on purpose).
        context["open_work"] = open_work(units=[unit])
        context["closing_on"] = form["valid_to"].value() or ""
    return render(request, "units/unit_form.html", context)


# The token of the rows kept between the import preview and its confirmation.
IMPORT_SESSION_KEY = "units_import_token"


@require_http_methods(["GET", "POST"])
def unit_import(request):
    require_units_page(request.user, "units.import_units")
    form = UnitImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.unit_import_parse(file=upload, user=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            token = services.unit_import_stash(rows=result.rows, user=request.user) if result.is_valid else ""
            request.session[IMPORT_SESSION_KEY] = token
            context = {"result": result, "token": token, "file_name": upload.name}
            return render(request, "units/unit_import_preview.html", context)
    return render(request, "units/unit_import.html", {"form": form})


@require_POST
def unit_import_confirm(request):
    require_units_page(request.user, "units.import_units")
    token = request.POST.get("token", "")
    if not (token and token == request.session.get(IMPORT_SESSION_KEY)):
        messages.error(request, _("This preview has expired or was already imported. Upload the file again."))
        return redirect("units:import")
    del request.session[IMPORT_SESSION_KEY]
    job = services.unit_import_start(token=token, user=request.user)
    return redirect("units:import_job", pk=job.pk)


@require_safe
def unit_import_job(request, pk):
    """The result page of a confirmed import: its progress while it runs, then what was done."""
    require_units_page(request.user, "units.import_units")
    job = get_object_or_404(Job, pk=pk, user=request.user, kind=services.import_jobs.JOB_KIND)
    return render(request, "units/unit_import_job.html", {"job": job})
