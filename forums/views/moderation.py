from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, role_required
from core.paging import page_of, querystring_without
from forums.forms.moderation import ModerateForm, RetagForm, SuspendForm
from forums.models import Comment, ModerationAction, Suspension, Topic
from forums.selectors import moderation as selectors
from forums.services import ForumError
from forums.services import moderation as services

QUEUE_PAGE_SIZE = 25


@role_required(Role.MODERATOR)
@require_GET
def queue(request):
    """The lists, each with its own pager: what waits for a decision, what was hidden lately
    (to restore it), the grievance track."""
    lists = selectors.moderation_queue()
    context = {
        name: page_of(request, rows, QUEUE_PAGE_SIZE, f"{name}_page")
        for name, rows in lists.items()
    }
    context["querystrings"] = {name: querystring_without(request, f"{name}_page") for name in lists}
    return render(request, "forums/moderation_queue.html", context)


@role_required(Role.MODERATOR)
@require_GET
def log(request):
    page = Paginator(selectors.moderation_log(), 50).get_page(request.GET.get("page"))
    return render(request, "forums/moderation_log.html", {"page": page})


def _back(request, default):
    """Where a decision returns to: the queue row it was taken from (`next`, a path on this
    site), or the post itself."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _recorded(kind) -> str:
    """Says what the decision did: "Decision recorded: Hidden." """
    label = ModerationAction.Kind(kind).label
    return _("Decision recorded: %(decision)s.") % {"decision": label}


def _done(request, call, success):
    try:
        call()
    except ForumError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)


@role_required(Role.MODERATOR)
@require_POST
def topic_moderate(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    form = ModerateForm(request.POST, prefix="moderate")
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give a reason: the author will see it."))
        return _back(request, topic)
    _done(
        request,
        lambda: services.topic_moderate(topic=topic, moderator=request.user, **form.cleaned_data),
        _recorded(form.cleaned_data["kind"]),
    )
    return _back(request, topic)


@role_required(Role.MODERATOR)
@require_POST
def comment_moderate(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("topic"), pk=pk)
    form = ModerateForm(request.POST, comment=True)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give a reason: the author will see it."))
        return _back(request, comment.topic)
    _done(
        request,
        lambda: services.comment_moderate(
            comment=comment, moderator=request.user, **form.cleaned_data
        ),
        _recorded(form.cleaned_data["kind"]),
    )
    return _back(request, comment.get_absolute_url())


@role_required(Role.MODERATOR)
@require_POST
def topic_retag(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    form = RetagForm(request.POST, prefix="retag")
    if not form.is_valid():
        messages.error(request, _("Choose the new tags and give a reason: the author will see it."))
        return redirect(topic)
    _done(
        request,
        lambda: services.topic_retag(topic=topic, moderator=request.user, **form.cleaned_data),
        _("The topic has been re-tagged."),
    )
    return redirect(topic)


@role_required(Role.MODERATOR)
@require_http_methods(["GET", "POST"])
def user_suspend(request, user_pk):
    user = get_object_or_404(get_user_model(), pk=user_pk)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["lift"]:
            call = lambda: services.user_unsuspend(  # noqa: E731
                user=user, moderator=request.user, reason=data["reason"]
            )
        else:
            call = lambda: services.user_suspend(  # noqa: E731
                user=user, moderator=request.user, reason=data["reason"], until=data["until"]
            )
        _done(request, call, _("The decision has been recorded."))
        return redirect("forums:moderation_log")
    suspensions = Suspension.objects.filter(user=user).select_related("created_by")
    context = {"target": user, "form": form, "suspensions": suspensions}
    return render(request, "forums/user_suspend.html", context)
