"""Residents invited to a session (as a speaker or an observer): their list of invitations.
The session page itself (training/views/catalogue.py) opens for them too."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import Role, role_required
from training.selectors import guests as selectors


@role_required(Role.RESIDENT)
@require_GET
@never_cache
def my_invitations(request):
    context = {"invitations": selectors.invitations_of(request.user)}
    return render(request, "training/my_invitations.html", context)
