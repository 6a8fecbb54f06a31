"""Knowledge-base pages (mounted at /kb/): browse and search, read, vote, write and edit
(staff), an article from a resolved ticket, and two htmx fragments: suggestions while a
requester types a new ticket, and a ticket's suggestions on its page. Reads go through
kb.selectors / tickets.selectors, writes through kb.actions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError, DomainValidationError
from core.roles import is_staff_role, role_of
from kb import search, suggestions
from kb.actions import articles, feedback
from kb.forms import ArticleForm, VoteForm
from kb.models import Article, ArticleStatus
from kb.selectors import visible_articles
from tickets.actions.self_service import SELF_RESOLVABLE
from tickets.models import Ticket
from tickets.selectors import visible_tickets

PAGE_SIZE = 20


def _require_role(user) -> None:
    if role_of(user) is None:
        raise PermissionDenied


def _require_staff(user) -> None:
    if not is_staff_role(user):
        raise PermissionDenied


@login_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    _require_role(request.user)
    articles = visible_articles(request.user)
    text = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    category = request.GET.get("category", "").strip().lower()
    if is_staff_role(request.user) and status in ArticleStatus.values:
        articles = articles.filter(status=status)
    elif not is_staff_role(request.user) or text:
        articles = articles.filter(status=ArticleStatus.PUBLISHED)
    if category:
        articles = articles.filter(category=category)
    articles = search.search(articles, text) if text else articles.order_by("-updated_at", "pk")
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "kb/article_list.html",
        {
            "page": page,
            "q": text,
            "status": status,
            "category": category,
            "statuses": ArticleStatus.choices,
            "is_staff": is_staff_role(request.user),
        },
    )


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request.user)
    article = get_object_or_404(visible_articles(request.user), pk=pk)
    return render(
        request,
        "kb/article_detail.html",
        {"article": article, "is_staff": is_staff_role(request.user), "voted": None},
    )


@login_required
@require_POST
def article_vote(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request.user)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose yes or no.", status=400)
    try:
        article = feedback.vote(
            actor=request.user, article_id=pk, helpful=form.cleaned_data["helpful"]
        )
    except Article.DoesNotExist as error:
        raise Http404 from error
    if request.htmx:
        return render(request, "kb/_votes.html", {"article": article, "voted": True})
    return redirect("kb:article", pk=pk)


def _edit(request: HttpRequest, article: Article | None) -> HttpResponse:
    _require_staff(request.user)
    if request.method == "GET":
        initial = {}
        if article is not None:
            initial = {
                "title": article.title,
                "body": article.body,
                "category": article.category,
                "tags": ", ".join(article.tags),
                "status": article.status,
            }
        form = ArticleForm(initial=initial)
        return render(request, "kb/article_form.html", {"form": form, "article": article})
    form = ArticleForm(request.POST)
    if form.is_valid():
        try:
            saved = articles.save_article(
                actor=request.user, article_id=article.pk if article else None, **form.cleaned_data
            )
        except DomainValidationError as error:
            for field, messages in error.errors.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("kb:article", pk=saved.pk)
    context = {"form": form, "article": article}
    return render(request, "kb/article_form.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request.user)
    return _edit(request, get_object_or_404(visible_articles(request.user), pk=pk))


@login_required
@require_POST
def article_from_ticket(request: HttpRequest, ticket_id) -> HttpResponse:
    """ "Create article from this resolution" on a resolved ticket: a draft to edit."""
    _require_staff(request.user)
    try:
        article = articles.create_article_from_ticket(actor=request.user, ticket_id=ticket_id)
    except Ticket.DoesNotExist as error:
        raise Http404 from error
    except DomainError as error:
        return HttpResponse(str(error), status=409)
    return redirect("kb:edit", pk=article.pk)


@login_required
@require_GET
def suggest_fragment(request: HttpRequest) -> HttpResponse:
    """htmx: published articles matching what a requester is typing (title, description)."""
    _require_role(request.user)
    title = request.GET.get("title", "")[:300]
    description = request.GET.get("description", "")[:5000]
    found = []
    searched = len((title + " " + description).strip()) >= 3
    if searched:
        found = suggestions.suggest_articles(title=title, description=description, limit=5)
    context = {"articles": found, "searched": searched}
    return render(request, "kb/_suggestions.html", context)


@login_required
@require_GET
def ticket_suggestions_fragment(request: HttpRequest, ticket_id) -> HttpResponse:
    """htmx: a ticket's suggestions for its page (similar tickets for staff only)."""
    _require_role(request.user)
    ticket = get_object_or_404(visible_tickets(request.user), pk=ticket_id)
    found = suggestions.suggest_for_ticket(user=request.user, ticket=ticket)
    return render(
        request,
        "kb/_ticket_suggestions.html",
        {
            "ticket": ticket,
            "articles": found.articles,
            "tickets": found.tickets,
            "is_staff": is_staff_role(request.user),
            "may_self_resolve": ticket.status in SELF_RESOLVABLE,
        },
    )


@login_required
@require_POST
def mark_used(request: HttpRequest, ticket_id) -> HttpResponse:
    _require_staff(request.user)
    try:
        article_id = int(request.POST.get("article", ""))
        score = float(request.POST.get("score", 0) or 0)
    except ValueError:
        return HttpResponse("Unknown article.", status=400)
    try:
        feedback.mark_used(
            actor=request.user, ticket_id=ticket_id, article_id=article_id, score=score
        )
    except Ticket.DoesNotExist as error:
        raise Http404 from error
    except DomainValidationError as error:
        return HttpResponse(str(error), status=400)
    if request.htmx:
        return HttpResponse('<span class="kb-used">Marked as used</span>')
    return redirect("kb:ticket-suggestions", ticket_id=ticket_id)
