"""Ticket search: the tickets where every word of a text appears in the title, the description,
a timeline entry the caller may see, the reference, or the requester's name or e-mail. The
timeline counts with what people wrote: the system's own lines ("Routed to Network") are not
searched (migration search_words_people_wrote).

PostgreSQL: words are matched as words (stemmed by the text-search configuration) in the
tsvector columns the database keeps on the ticket row (migration search_vectors): the title
and description (``search_vector``), and the words of the public and of the internal timeline
entries (``public_words``, ``internal_words``); and as fragments ("000023", "smith", "@acme")
of the reference and of the requester, and of the title in a one-word search ("printe"), by
trigram indexes. Each word is one OR of index conditions on the ticket table, so PostgreSQL
answers it with one bitmap OR, and the words with a bitmap AND, however many tickets hold a
word. Whether to rank (below) is settled for staff's searches of several words by the
tickets holding every word somewhere, counted from one scan of a GIN expression index over all
three columns (``StaffDocument``, migration search_words): the words meet inside the index
(``@@ 'print & slow'``), where the results' own count built each word's bitmaps in full;
and, where no word can be a fragment, those few results are counted and ranked from that same
index scan (the words' conditions kept: the same tickets).
The requesters come in as ``requester_id = ANY(ARRAY(subquery))``: the array is built
once from the contacts' trigram index and probes the tickets' requester index, where
``IN (subquery)`` inside an OR would be tested ticket by ticket over the whole table. Results
carry ``search_rank`` (ts_rank of the title, weight A, and description against the words) for
ordering when there are at most ``RANKED_UP_TO`` of them (one bounded count tells).

SQLite (the embedded default): the same conditions as substring matches, without rank.
"""

import operator
import re
from functools import reduce

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Expression,
    F,
    Func,
    IntegerField,
    Lookup,
    Q,
    QuerySet,
)
from django.db.models.lookups import Exact
from psycopg import sql

from tickets.documents import SEARCH_CONFIG
from tickets.models import Contact, Ticket, TimelineEntry

MAX_WORDS = 10
# Fragments shorter than a trigram cannot use the trigram indexes.
MIN_FRAGMENT = 3
RANK = "search_rank"
# Ranking reads every match's document; a word held by more tickets than this ranks them nearly
# alike anyway, so those results keep the list's own order, which an index walks and stops
# after a page (at 1,000,000 tickets a word of one ticket in four took 1.4 s to rank).
RANKED_UP_TO = 1_000
_DIGIT = re.compile(r"\d")


class EqualsAny(Lookup):
    """``lhs = ANY(rhs)`` with an array on the right (an indexable condition)."""

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY({rhs_sql})", [*lhs_params, *rhs_params]


class TicketWords(Expression):
    """A words column of the ticket table that the model leaves undeclared (see
    tickets.models.Ticket.search_vector)."""

    output_field = SearchVectorField()

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name(self.column)}", []


class StaffDocument(Expression):
    """Every word staff find a ticket by, as one tsvector: the title and description, and the
    public and internal timeline entries' words. Written exactly as migration search_words's
    GIN expression index has it, so that PostgreSQL answers ``@@`` from that index. Read by
    the decision to rank only: as a condition of the results it is a filter too where the
    list's order walks its index, the three columns concatenated for every row walked (two
    common words 20 -> 40 ms at 1,000,000 tickets), and a word found as a requester's name
    beside another word was 51 -> 278 ms (an extra branch the planner misjudged)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = connection.ops.quote_name
        return (
            f"({alias}.{column('search_vector')}"
            f" || COALESCE({alias}.{column('public_words')}, ''::tsvector)"
            f" || COALESCE({alias}.{column('internal_words')}, ''::tsvector))"
        ), []


def words_of(text: str) -> list[str]:
    return (text or "").split()[:MAX_WORDS]


def search_tickets(tickets: QuerySet[Ticket], text: str, *, internal: bool) -> QuerySet[Ticket]:
    """``tickets`` (already narrowed to what the caller may see) matching every word of
    ``text``; the words of internal timeline entries count when ``internal`` (staff), those
    of public entries always, those of envelope threads never."""
    words = words_of(text)
    if not words:
        return tickets
    if connection.vendor == "postgresql":
        return _postgres_search(tickets, words, internal=internal)
    return _substring_search(tickets, words, internal=internal)


class Tested(Expression):
    """``(condition) IS TRUE``: the rows it keeps are the condition's (WHERE drops a NULL as
    it drops a false), but PostgreSQL does not answer it from an index: it tests the rows
    found otherwise. For the words' conditions beside the staff document's: each word's
    bitmap OR over the whole table (``slow``: 125,000 tickets) cost more to build and AND
    than testing the document's few thousand rows."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, condition: Q) -> None:
        super().__init__()
        self.condition = condition

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, **kwargs):
        resolved = self.copy()
        resolved.condition = self.condition.resolve_expression(query, allow_joins, reuse, **kwargs)
        return resolved

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        sql, params = compiler.compile(self.condition)
        return f"({sql}) IS TRUE", params


class Literal(Expression):
    """Text written into the SQL as a literal (quoted by psycopg), not sent as a parameter:
    PostgreSQL then plans with the words themselves, never a generic plan for any word (a
    prepared statement's), and folds what depends on them alone (a stop word's empty query)."""

    output_field = CharField()

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        connection.ensure_connection()
        literal = sql.Literal(self.text).as_string(connection.connection)
        return literal.replace("%", "%%"), []  # the statement has parameters: % is theirs


def _plain_query(text: str) -> SearchQuery:
    # plainto_tsquery: the words are normalised by the configuration and never parsed as
    # tsquery syntax, whatever characters they hold.
    return SearchQuery(Literal(text), search_type="plain", config=SEARCH_CONFIG)


def _postgres_search(tickets, words: list[str], *, internal: bool) -> QuerySet[Ticket]:
    visible, conditions = tickets, []
    for word in words:
        query = _plain_query(word)
        condition = (
            # A stop word ("the") has no lexeme: it constrains nothing. Folded to a constant
            # when PostgreSQL plans the query (the function is immutable).
            _no_lexeme(query)
            | Q(search_vector=query)
            | Q(SearchVectorExact(TicketWords("public_words"), query))
        )
        if internal:
            condition |= Q(SearchVectorExact(TicketWords("internal_words"), query))
        conditions.append(condition | _fragment_condition(word, titles=len(words) == 1))
        tickets = tickets.filter(conditions[-1])
    every_word = reduce(operator.and_, (_plain_query(word) for word in words))
    if internal and len(words) > 1:
        # The words' conditions as tests of the document's rows only (``Tested``).
        tested = visible.filter(*[Tested(condition) for condition in conditions])
        more, tickets = _staff_results(visible, tickets, tested, words, every_word)
    else:  # one word is one bitmap already; requesters' own tickets are few
        more = _more_than(tickets, RANKED_UP_TO)
    if more:
        return tickets
    return tickets.annotate(**{RANK: SearchRank(F("search_vector"), every_word)})


def _staff_results(visible, tickets, tested, words: list[str], every_word) -> tuple:
    """(more than RANKED_UP_TO?, the results to rank or list) of a staff search of several
    words, settled by one statement:

    - the tickets holding every word somewhere, from one scan of the staff document's index
      (the words meet inside it): no more than the results (fragments add to them), so more
      than RANKED_UP_TO of them settles it;
    - otherwise, where no word can be a fragment (no requester's name or e-mail holds one,
      none has a digit), the results are exactly the tickets of each word's condition AND
      the staff document's (a ticket holding each word in one of its three columns holds
      them all in their concatenation): PostgreSQL starts from that index's small exact
      bitmap (``'print' & 'slow'``: 7,966 tickets at 1,000,000) where each word's own
      condition is a bitmap OR over the whole table (``slow``: 125,000 tickets; ``print``:
      64,000 in each of three columns) that outgrew ``work_mem`` and went lossy (14,373 heap
      blocks, 121,439 rows rechecked: 140 ms to count, as much to rank). The results are
      then counted, and ranked, with that condition added: the same tickets;
    - where a word may be a fragment, the results' own count, as before: the document would
      be one branch of an OR beside a requester's tickets (a surname's 30,000), which the
      planner sized by a guess and read whole (71 -> 392 ms), and those are ranked unchanged.
    Not for the unranked list (more than RANKED_UP_TO): its order's index walk would test
    the document row by row."""
    in_document = Q(SearchVectorExact(StaffDocument(), every_word))
    anchored = tested.filter(_no_lexeme(every_word) | in_document)
    bound = visible.filter(~_no_lexeme(every_word), in_document)
    try:
        parts = [
            _first(bound, RANKED_UP_TO + 1),
            _fragments_exist(words),
            _first(tickets, RANKED_UP_TO + 1),
            _first(anchored, RANKED_UP_TO + 1),
        ]
    except EmptyResultSet:  # e.g. tickets.none(): nothing to count
        return False, tickets
    (bound_sql, bound_params), (may_sql, may_params), (all_sql, all_params) = parts[:3]
    anchored_sql, anchored_params = parts[3]
    # PostgreSQL runs a CASE branch's subquery only when that branch is taken; whether a
    # word may be a fragment is read once (the CTE), before.
    statement = (
        f"WITH may AS MATERIALIZED (SELECT ({may_sql}) AS fragments)"  # noqa: S608
        f" SELECT CASE WHEN (SELECT COUNT(*) FROM ({bound_sql}) bound) > %s THEN %s"
        " WHEN may.fragments"
        f" THEN (SELECT COUNT(*) FROM ({all_sql}) results)"
        f" ELSE (SELECT COUNT(*) FROM ({anchored_sql}) results) END, may.fragments FROM may"
    )
    params = [*may_params, *bound_params, RANKED_UP_TO, RANKED_UP_TO + 1, *all_params]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *anchored_params])
        found, fragments = cursor.fetchone()
    more = found > RANKED_UP_TO
    # The unranked list keeps the results' own condition (its order's index walk).
    return more, tickets if more or fragments else anchored


def _first(tickets: QuerySet, count: int) -> tuple[str, list]:
    return tickets.order_by().values("pk")[:count].query.sql_with_params()


def _fragments_exist(words: list[str]) -> tuple[str, list]:
    """SQL of whether any word may match a ticket as a fragment (``_fragment_condition``): a
    word with a digit (a reference's part), or one of a requester's name or e-mail."""
    long_words = [word for word in words if len(word) >= MIN_FRAGMENT]
    if any(_DIGIT.search(word) for word in long_words):
        return "TRUE", []
    if not long_words:
        return "FALSE", []
    named = reduce(
        operator.or_, (Q(name__icontains=word) | Q(email__icontains=word) for word in long_words)
    )
    contacts_sql, params = (
        Contact.objects.filter(named).order_by().values("pk").query.sql_with_params()
    )
    # A count, not EXISTS: planned for every match, it reads the trigram indexes; EXISTS,
    # planned to stop at the first, scanned all 20,000 contacts (50 ms for three words).
    return f"(SELECT COUNT(*) FROM ({contacts_sql}) contacts) > 0", params  # noqa: S608


def _more_than(tickets: QuerySet, limit: int) -> bool:
    """Whether ``tickets`` are more than ``limit``: a count that stops at ``limit + 1``."""
    return tickets.order_by().values("pk")[: limit + 1].count() > limit


def _no_lexeme(query: SearchQuery) -> Q:
    return Q(Exact(Func(query, function="numnode", output_field=IntegerField()), 0))


def _fragment_condition(word: str, *, titles: bool) -> Q:
    """The reference (words with a digit) and the requester's name or e-mail containing the
    word, by trigram on PostgreSQL; with ``titles`` (a search of one word) the title too (a
    fragment: "printe" finds "printer", which the words' stems do not). In a search of several
    words each word counts whole: a title trigram scan per word made two words 9x slower
    (64 -> 581 ms at 200,000 tickets, bench/search_scale.py). Nothing for fragments too short
    for a trigram."""
    if len(word) < MIN_FRAGMENT:
        return Q(pk__in=[])
    # No ORDER BY (Contact's default): sorting the contacts made PostgreSQL scan them all.
    requesters = (
        Contact.objects.filter(Q(name__icontains=word) | Q(email__icontains=word))
        .order_by()
        .values("pk")
    )
    condition = Q(EqualsAny(F("requester_id"), ArraySubquery(requesters)))
    if titles:
        condition |= Q(title__icontains=word)
    if _DIGIT.search(word):
        condition |= Q(reference__icontains=word)
    return condition


def _substring_search(tickets, words: list[str], *, internal: bool) -> QuerySet[Ticket]:
    shown = [TimelineEntry.Visibility.PUBLIC]
    if internal:
        shown.append(TimelineEntry.Visibility.INTERNAL)
    entries = TimelineEntry.objects.filter(visibility__in=shown).exclude(
        type=TimelineEntry.Type.SYSTEM
    )
    for word in words:
        matching_entries = entries.filter(content__icontains=word).values("ticket_id")
        tickets = tickets.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(reference__icontains=word)
            | Q(requester__name__icontains=word)
            | Q(requester__email__icontains=word)
            | Q(id__in=matching_entries)
        )
    return tickets
