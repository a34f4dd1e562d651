from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, role_required
from core.pagecache import public_page
from core.paging import querystring_without
from core.photos import RAW_MAX_BYTES
from core.ratelimit import client_address
from core.uploads import upload_limit
from forums import access
from forums.forms.moderation import ModerateForm, ReportForm, RetagForm
from forums.forms.topics import (
    AnswerForm,
    CommentForm,
    StatusForm,
    TopicFilterForm,
    TopicForm,
    chosen_id,
)
from forums.markup import render_markdown
from forums.models import Comment, Topic
from forums.selectors import accountability as accountability_selectors
from forums.selectors import moderation as moderation_selectors
from forums.selectors import topics as selectors
from forums.services import ForumError
from forums.services import topics as services
from forums.services.moderation import report_create


@require_GET
@public_page("forums", "workforce")
def topic_list(request):
    form = TopicFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    topics = selectors.topic_list(
        request.user,
        search=data.get("q", ""),
        sector=data.get("sector"),
        kelurahan=data.get("kelurahan"),
        unit=data.get("unit"),
        status=data.get("status", ""),
        sort=data.get("sort", ""),
    )
    page = Paginator(topics, 20).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "querystring": querystring_without(request, "page")}
    context.update(unit=data.get("unit"), all_units=querystring_without(request, "page", "unit"))
    return render(request, "forums/topic_list.html", context)


def _wants_preview(request) -> bool:
    return request.method == "POST" and "preview" in request.POST


def _preview_context(request) -> dict:
    """What the text typed will look like, rendered by the same function as a post; the photo
    chosen (a file input cannot be filled in again) is named so the person chooses it again."""
    return {
        "previewing": True,
        "preview": render_markdown(request.POST.get("body", "").strip()),
        "preview_dropped_photo": bool(request.FILES.get("photo")),
    }


def _topic_form(request, **kwargs) -> TopicForm:
    """The topic form with the forum's limits, bound to what was sent. A preview checks every
    field as a submission would (the person sees what to correct before posting), except the
    privacy consent, which is asked at the moment of posting."""
    settings = services.forum_settings()
    kwargs.update(
        max_title=settings.title_max_length,
        max_body=settings.body_max_length,
        max_photo_kb=settings.photo_max_kb,
    )
    form = TopicForm(request.POST or None, request.FILES or None, **kwargs)
    if _wants_preview(request) and not form.is_valid():
        form.errors.pop("privacy_consent", None)
    return form


@require_GET
def unit_options(request):
    """The unit list of the topic form for the sector chosen (htmx, on the sector's change);
    the unit chosen stays chosen when it is in that sector. Units are public reference data."""
    sector = chosen_id(request.GET.get("sector"))
    context = {
        "units": selectors.topic_units(sector),
        "narrowed": sector is not None,
        "selected": chosen_id(request.GET.get("unit")),
    }
    return render(request, "forums/_unit_options.html", context)


@upload_limit(RAW_MAX_BYTES)  # a bigger photo is counted and dropped, not kept on disk
@role_required(Role.RESIDENT)
@require_http_methods(["GET", "POST"])
def topic_create(request):
    form = _topic_form(request, needs_consent=services.needs_forum_consent(request.user))
    if _wants_preview(request):
        context = {"form": form, **_preview_context(request)}
        return render(request, "forums/topic_form.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(
                author=request.user,
                address=client_address(request),
                names_employee=form.cleaned_data["names_employee"],
                photo=form.cleaned_data["photo"],
                consent_given=bool(form.cleaned_data.get("privacy_consent")),
                **{
                    k: form.cleaned_data[k]
                    for k in ("title", "body", "sector", "kelurahan", "unit")
                },
            )
        except services.PhotoRejected as exc:
            form.add_error("photo", str(exc))  # everything typed stays in the form
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            posted = _("Your topic has been posted. Thank you!")
            messages.success(request, f"{posted} {topic.photo_summary}".strip())
            return redirect(topic)
    return render(request, "forums/topic_form.html", {"form": form})


@upload_limit(RAW_MAX_BYTES)
@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request, pk):
    topic = access.own_topic(request.user, pk)
    form = _topic_form(request, instance=topic, editing=True)
    if _wants_preview(request):
        context = {"form": form, "topic": topic, **_preview_context(request)}
        return render(request, "forums/topic_form.html", context)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("title", "body", "sector", "kelurahan", "unit")}
        data["photo"] = form.cleaned_data["photo"]
        data["remove_photo"] = form.cleaned_data.get("remove_photo", False)
        topic.refresh_from_db()  # the form wrote to the instance; the service decides
        try:
            services.topic_edit(topic=topic, user=request.user, **data)
        except services.PhotoRejected as exc:
            form.add_error("photo", str(exc))  # everything typed stays in the form
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            saved = _("Your topic has been saved.")
            messages.success(request, f"{saved} {topic.photo_summary}".strip())
            return redirect(topic)
    return render(request, "forums/topic_form.html", {"form": form, "topic": topic})


@require_GET
@public_page("forums", "workforce")
def topic_detail(request, pk):
    return _topic_page(request, pk)


def _topic_page(request, pk, *, comment_form=None, comment_preview=None):
    """The topic page; after a refused reply it shows the reply form as it was sent, with the
    reason, so nothing typed is lost; after a preview, the reply as it will look above it.
    The official answers stand above the replies, which come a page at a time ("?page=last"
    is the newest)."""
    topic = selectors.topic_for_page(request.user, pk)
    if topic is None:
        raise Http404
    needs_consent = services.needs_forum_consent(request.user)
    is_moderator = access.is_moderator(request.user)
    replies = Paginator(selectors.topic_replies(topic, request.user), selectors.REPLIES_PER_PAGE)
    context = {
        "topic": topic,
        "official_answers": selectors.topic_official_answers(topic, request.user),
        "replies": replies.get_page(_reply_page_asked(request, replies)),
        "history": topic.status_changes.all(),
        "comment_form": comment_form or CommentForm(needs_consent=needs_consent),
        "comment_preview": comment_preview,
        "comment_previewing": comment_preview is not None,
        "needs_forum_consent": needs_consent,
        "is_moderator": is_moderator,
        "is_official": access.is_official(request.user),
    }
    if context["is_official"]:
        context.update(
            answer_form=AnswerForm(prefix="answer"), status_form=StatusForm(prefix="status")
        )
    if is_moderator:
        context.update(
            moderation_history=moderation_selectors.topic_moderation_history(topic),
            moderate_form=ModerateForm(prefix="moderate"),
            retag_form=RetagForm(
                prefix="retag",
                initial={
                    "sector": topic.sector_id,
                    "kelurahan": topic.kelurahan_id,
                    "unit": topic.unit_id,
                },
            ),
        )
    return render(request, "forums/topic_detail.html", context)


def _reply_page_asked(request, replies: Paginator):
    number = request.GET.get("page")
    return replies.num_pages if number == "last" else number


@require_GET
def comment_link(request, pk):
    """A link to one reply (notifications, the moderation queue, after posting): the page of
    the topic that holds it, at the reply. A reply this person does not see leads to the topic;
    a topic they do not see is not found."""
    comment = selectors.comment_for_link(request.user, pk)
    if comment is None:
        raise Http404
    topic_url = comment.topic.get_absolute_url()
    number = selectors.reply_page_number(comment, request.user)
    if number is None:
        return redirect(topic_url)
    query = f"?page={number}" if number > 1 else ""
    return redirect(f"{topic_url}{query}#comment-{comment.pk}")


@require_GET
def topic_photo(request, pk):
    """The topic's photo, under the topic page's own rule: whoever may not see the topic gets
    404 here too. Always served as the JPEG we re-encoded, never sniffed as anything else."""
    topic = access.topic_for_viewer(Topic.objects.only("pk", "photo"), request.user, pk)
    if not topic.photo:
        raise Http404
    try:
        stream = topic.photo.storage.open(topic.photo.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stream, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    # Not kept by shared caches: the topic may be hidden later.
    response["Cache-Control"] = "private, no-cache"
    return response


def _topic_for_action(request, pk) -> Topic:
    return access.topic_for_viewer(Topic.objects.all(), request.user, pk)


@login_required
@require_POST
def comment_create(request, pk):
    topic = _topic_for_action(request, pk)
    needs_consent = services.needs_forum_consent(request.user)
    if _wants_preview(request):
        form = CommentForm(initial=request.POST.dict(), needs_consent=needs_consent)
        preview = _preview_context(request)["preview"]
        return _topic_page(request, pk, comment_form=form, comment_preview=preview)
    form = CommentForm(request.POST, needs_consent=needs_consent)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _topic_page(request, pk, comment_form=form)
    try:
        comment = services.comment_create(
            topic=topic,
            author=request.user,
            body=form.cleaned_data["body"],
            address=client_address(request),
            consent_given=bool(form.cleaned_data.get("privacy_consent")),
        )
    except ForumError as exc:
        messages.error(request, str(exc))
        return _topic_page(request, pk, comment_form=form)
    messages.success(request, _("Your reply has been posted."))
    return redirect(comment.get_absolute_url())


@role_required(Role.HR)
@require_POST
def answer_create(request, pk):
    topic = _topic_for_action(request, pk)
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        try:
            services.official_answer_create(
                topic=topic, author=request.user, body=form.cleaned_data["body"]
            )
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The official answer has been published."))
    else:
        messages.error(request, _("The answer is empty. Write something first."))
    return redirect(topic)


@role_required(Role.HR)
@require_POST
def status_change(request, pk):
    topic = _topic_for_action(request, pk)
    form = StatusForm(request.POST, prefix="status")
    if not form.is_valid():
        return render(
            request,
            "forums/status_form.html",
            {"topic": topic, "status_form": form},
            status=400,
        )
    data = form.cleaned_data
    action = services.Action(
        kind=data["action_kind"],
        description=data["action_description"],
        url=data["action_url"],
        done_on=data["action_date"],
    )
    try:
        services.topic_status_change(
            topic=topic, user=request.user, to_status=data["to_status"], note=data["note"],
            action=action,
        )  # fmt: skip
    except ForumError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The status has been changed."))
    return redirect(topic)


@login_required
@require_POST
def topic_support(request, pk):
    topic = _topic_for_action(request, pk)
    try:
        if request.POST.get("remove"):
            services.topic_unsupport(topic=topic, user=request.user)
        elif not services.topic_support(
            topic=topic,
            user=request.user,
            address=client_address(request),
            consent_given=bool(request.POST.get("privacy_consent")),
        ):
            messages.info(request, _("You already support this topic."))
    except ForumError as exc:
        messages.error(request, str(exc))
    return redirect(topic)


@login_required
@require_POST
def topic_follow(request, pk):
    topic = _topic_for_action(request, pk)
    follow = not request.POST.get("stop")
    services.topic_follow_set(topic=topic, user=request.user, follow=follow)
    messages.success(
        request,
        _("You follow this topic: we e-mail you about replies and answers.")
        if follow
        else _("You no longer follow this topic."),
    )
    return redirect(topic)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk, comment_pk=None):
    topic = _topic_for_action(request, pk)
    comment = (
        get_object_or_404(
            Comment.objects.filter(access.visible_topics_q(request.user)),  # same rule for replies
            pk=comment_pk,
            topic=topic,
        )
        if comment_pk
        else None
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_create(
                topic=topic, comment=comment, reporter=request.user,
                reason=form.cleaned_data["reason"], note=form.cleaned_data["note"],
                address=client_address(request),
            )  # fmt: skip
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: the moderators will look at your report."))
            return redirect(topic)
    context = {"topic": topic, "comment": comment, "form": form}
    return render(request, "forums/report_form.html", context)


@require_GET
def accountability(request):
    context = {"sectors": accountability_selectors.accountability_by_sector()}
    context["statuses"] = Topic.Status.choices
    return render(request, "forums/accountability.html", context)
