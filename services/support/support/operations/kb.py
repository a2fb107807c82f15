"""Knowledge base: categories, articles (draft or published), search and suggestions.

PostgreSQL searches its GIN-indexed `tsvector` with `websearch_to_tsquery` and ranks with
`ts_rank`; SQLite matches the article's stored words and ranks by the words found.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm_chassis.db import is_postgres
from support.domain import search
from support.exceptions import Conflict, InvalidTransition, ValidationFailed
from support.models import Article, KbCategory, now
from support.operations.common import apply, check_version, flush, get_or_404, plain

LANGUAGE = "english"
CANDIDATES = 200


def category_data(category: KbCategory) -> dict[str, Any]:
    return plain({"id": category.id, "name": category.name,
                  "description": category.description, "version": category.version})


def article_data(article: Article, score: float | None = None) -> dict[str, Any]:
    data = {"id": article.id, "title": article.title, "body": article.body,
            "category_id": article.category_id, "status": article.status,
            "tags": list(article.tags or []), "published_at": article.published_at,
            "version": article.version, "created_at": article.created_at,
            "updated_at": article.updated_at}
    if score is not None:
        data["score"] = round(float(score), 4)
    return plain(data)


def list_categories(session: Session) -> list[KbCategory]:
    return list(session.scalars(select(KbCategory).order_by(KbCategory.name)))


def create_category(uow, data: dict[str, Any]) -> KbCategory:
    category = KbCategory(**data)
    uow.session.add(category)
    try:
        flush(uow.session)
    except IntegrityError:
        uow.session.rollback()
        raise Conflict(f"a category named {data['name']!r} exists already") from None
    return category


def get_article(session: Session, article_id: str) -> Article:
    return get_or_404(session, Article, article_id, "article")


def _index(session: Session, article: Article) -> None:
    if is_postgres(session):
        article.search_vector = func.setweight(
            func.to_tsvector(LANGUAGE, article.title), literal("A")).op("||")(
            func.setweight(func.to_tsvector(LANGUAGE, article.body), literal("B")))
    else:
        article.search_vector = search.indexed_text(article.title, article.body)


def _check_category(session: Session, category_id: str | None) -> None:
    if category_id and session.get(KbCategory, category_id) is None:
        raise ValidationFailed("no such category", {"category_id": [f"no category "
                                                                    f"{category_id}"]})


def create_article(uow, data: dict[str, Any]) -> Article:
    _check_category(uow.session, data.get("category_id"))
    article = Article(**data)
    if article.status == "published":
        article.published_at = now()
    _index(uow.session, article)
    uow.session.add(article)
    flush(uow.session)
    return article


def update_article(uow, article_id: str, data: dict[str, Any],
                   expected_version: int | None) -> Article:
    article = get_article(uow.session, article_id)
    check_version(article, expected_version)
    if "category_id" in data:
        _check_category(uow.session, data["category_id"])
    if data.get("status") == "published" and article.status != "published":
        article.published_at = now()
    changed = apply(article, data)
    if {"title", "body"} & set(changed):
        _index(uow.session, article)
    flush(uow.session)
    return article


def set_status(uow, article_id: str, status: str, expected_version: int | None) -> Article:
    article = get_article(uow.session, article_id)
    check_version(article, expected_version)
    if article.status == status:
        raise InvalidTransition(f"the article is {status} already")
    article.status = status
    article.published_at = now() if status == "published" else None
    article.updated_at = now()
    flush(uow.session)
    return article


def delete_article(uow, article_id: str) -> None:
    uow.session.delete(get_article(uow.session, article_id))
    flush(uow.session)


def search_articles(session: Session, text: str, *, published_only: bool = True,
                    category_id: str | None = None, limit: int = 20,
                    any_word: bool = False) -> list[tuple[Article, float]]:
    """Ranked articles for a query: every word must match (a search box), or any word
    (suggestions from a ticket's text)."""
    conditions = []
    if published_only:
        conditions.append(Article.status == "published")
    if category_id:
        conditions.append(Article.category_id == category_id)
    words = search.words(text)
    if not words:
        return []
    if is_postgres(session):
        return _search_postgres(session, text, words, conditions, limit, any_word)
    return _search_portable(session, words, conditions, limit, any_word)


def _search_postgres(session, text, words, conditions, limit, any_word):
    if any_word:
        # to_tsquery with OR between sanitised words: `websearch` would AND them.
        query = func.to_tsquery(LANGUAGE, " | ".join(words))
    else:
        query = func.websearch_to_tsquery(LANGUAGE, text)
    rank = func.ts_rank(Article.search_vector, query)
    rows = session.execute(select(Article, rank.label("score")).where(
        *conditions, Article.search_vector.op("@@")(query))
        .order_by(rank.desc(), Article.updated_at.desc()).limit(limit)).all()
    return [(article, float(score)) for article, score in rows]


def _search_portable(session, words, conditions, limit, any_word):
    matches = [Article.search_vector.like(f"% {word}%") for word in words]
    found = or_(*matches) if any_word else and_(*matches)
    candidates = session.scalars(select(Article).where(*conditions, found)
                                 .order_by(Article.updated_at.desc()).limit(CANDIDATES)).all()
    ranked = sorted(((article, search.score(words, article.title, article.body))
                     for article in candidates), key=lambda pair: -pair[1])
    return ranked[:limit]
