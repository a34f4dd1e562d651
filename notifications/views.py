import json
import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import channels
from core.paging import page_of, querystring_without
from notifications import selectors, services
from notifications.forms import BulkForm, CodeForm, PhoneForm, PreferencesForm, available_channels
from notifications.models import Notification

logger = logging.getLogger(__name__)


@login_required
def inbox(request):
    unread_only = request.GET.get("show") == "unread"
    page = page_of(request, selectors.inbox(request.user, unread_only=unread_only), 20)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "querystring": querystring_without(request, "page"),
            "unread": selectors.unread_count(request.user),
        },
    )


@login_required
def open_notification(request, pk: int):
    """Mark it read and go to its subject (the inbox when it has no link of its own)."""
    notification = get_object_or_404(
        Notification.objects.select_related("bulk__sender"), pk=pk, recipient=request.user
    )
    services.mark_read(notification)
    # HR's own words are the message itself: shown here, with the link to their subject.
    if (
        notification.bulk_id is None
        and notification.url
        and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(notification.url)
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
@require_POST
def read_all(request):
    count = services.mark_all_read(request.user)
    messages.success(
        request,
        ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.", count)
        % {"n": count},
    )
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    prefs = selectors.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, prefs=prefs, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(
                request.user,
                channels_by_category=form.channels_by_category(),
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "prefs": prefs,
            "phone_form": PhoneForm(),
            "code_form": CodeForm(),
            "phone_channels": [c for c, _label in available_channels() if c != "email"],
        },
    )


@login_required
@require_POST
def phone_send(request):
    prefs = selectors.preferences_of(request.user)
    phone_form = PhoneForm(request.POST)
    if phone_form.is_valid():
        try:
            services.phone_code_send(
                request.user,
                phone=phone_form.cleaned_data["phone"],
                channel=phone_form.cleaned_data["channel"],
            )
        except ValidationError as exc:
            phone_form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("We sent a 6-digit code to %(phone)s. Enter it here.")
                % {"phone": phone_form.cleaned_data["phone"].as_international},
            )
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": PreferencesForm(prefs=prefs, user=request.user),
            "prefs": prefs,
            "phone_form": phone_form,
            "code_form": CodeForm(),
            "phone_channels": [c for c, _label in available_channels() if c != "email"],
        },
        status=400,
    )


@login_required
@require_POST
def phone_verify(request):
    prefs = selectors.preferences_of(request.user)
    code_form = CodeForm(request.POST)
    if code_form.is_valid():
        try:
            services.phone_code_check(request.user, code_form.cleaned_data["code"])
        except ValidationError as exc:
            code_form.add_error("code", exc)
        else:
            messages.success(
                request,
                _(
                    "Your number is verified. Tick SMS or WhatsApp for the kinds of message "
                    "you want on your phone, then save."
                ),
            )
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": PreferencesForm(prefs=prefs, user=request.user),
            "prefs": prefs,
            "phone_form": PhoneForm(),
            "code_form": code_form,
            "phone_channels": [c for c, _label in available_channels() if c != "email"],
        },
        status=400,
    )


@login_required
@require_POST
def phone_remove(request):
    services.phone_remove(request.user)
    messages.success(request, _("Your phone number has been removed."))
    return redirect("notifications:preferences")


@csrf_exempt
@require_POST
def receipt(request, channel: str):
    """A gateway's delivery receipt, signed with the channel's shared secret (see core.channels):
    {"message_id": "...", "status": "delivered" | "failed" | "sent", "error": "..."}."""
    secret = (channels.configured(channel).get("OPTIONS") or {}).get("secret", "")
    if not channels.verify(secret, request.body, request.headers.get(channels.SIGNATURE_HEADER)):
        logger.warning("Refused a %s receipt with a wrong or missing signature.", channel)
        return HttpResponseForbidden("signature")
    try:
        data = json.loads(request.body)
        message_id = data["message_id"]
        status = data["status"]
    except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: "[[[[..."
        return HttpResponseBadRequest("expected JSON with message_id and status")
    # The gateway's id is a string or a number (as it answered the send); PostgreSQL text cannot
    # hold NUL, so an id with one matches no message.
    if isinstance(message_id, bool) or not isinstance(message_id, (str, int)):
        return HttpResponseBadRequest("message_id must be a string")
    message_id = str(message_id)
    if not message_id.strip():  # "" is the id of every message not sent yet: it must match none
        return HttpResponseBadRequest("empty message_id")
    if status not in ("delivered", "failed", "sent"):
        return HttpResponseBadRequest("unknown status")
    if "\x00" in message_id:
        return JsonResponse({"ok": False, "error": "unknown message_id"}, status=404)
    error = str(data.get("error") or "").replace("\x00", "")
    if not services.receipt_record(channel, message_id, status, error):
        return JsonResponse({"ok": False, "error": "unknown message_id"}, status=404)
    return HttpResponse(status=204)


def bulk_message(
    request,
    *,
    audience: str,
    audience_key: str,
    users,
    back_url: str,
    url: str = "",
    context=None,
):
    """HR's bulk message to `users` (a queryset of accounts), used by the apps' own views (a
    formation's applicants, a unit's employees): write, preview with the count per channel,
    confirm, send. `url`: the page the message is about (each notification links to it). The
    apps check who may send before calling this. The preview carries a one-time token, so a
    double click (or a resent form) sends the message once."""
    form = BulkForm(request.POST or None)
    counts = services.preview(users.only("pk", "email"))
    step = "write"
    token = request.POST.get("token") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send" and request.POST.get("confirm") == "yes":
            try:
                message = services.send_bulk(
                    request.user,
                    audience=audience,
                    audience_key=audience_key,
                    users=users.only("pk", "email", "preferred_language"),
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    url=url,
                    token=token,
                )
            except services.BulkAlreadySent as exc:
                messages.info(
                    request,
                    _("This message was already sent (%(when)s); it was not sent again.")
                    % {"when": date_format(localtime(exc.message.created_at), "j M Y H:i")},
                )
                return redirect(back_url)
            except services.BulkRateLimited as exc:
                minutes = max(1, exc.retry_after // 60)
                form.add_error(
                    None,
                    ngettext(
                        "You have sent the most bulk messages allowed in an hour. Try again in "
                        "%(n)s minute.",
                        "You have sent the most bulk messages allowed in an hour. Try again in "
                        "%(n)s minutes.",
                        minutes,
                    )
                    % {"n": minutes},
                )
            else:
                messages.success(
                    request,
                    ngettext(
                        "Your message was sent to %(n)s person.",
                        "Your message was sent to %(n)s people.",
                        message.recipients,
                    )
                    % {"n": message.recipients},
                )
                return redirect(back_url)
        elif request.POST.get("action") == "edit":
            step = "write"
        elif request.POST.get("action") == "send":
            form.add_error(None, _("Tick the confirmation box to send the message."))
            step = "preview"
        else:
            step = "preview"
    return render(
        request,
        "notifications/bulk.html",
        {
            "form": form,
            "audience": audience,
            "counts": counts,
            "step": step,
            "token": token,
            "back_url": back_url,
            "history": selectors.bulk_history(audience_key),
            **(context or {}),
        },
    )
