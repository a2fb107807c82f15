"""The knowledge base: categories and articles, drafts and published ones, full-text
search."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.support_schemas import (
    ArticleIn,
    ArticleOut,
    ArticlePatch,
    ArticleSearch,
    CategoryIn,
    CategoryOut,
)
from gateway.http import expected_version, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("kb", __name__, url_prefix="/api/v1/kb", description="Knowledge base")
ArticlePage = page_schema(ArticleOut, "ArticlePage")
CategoryPage = page_schema(CategoryOut, "CategoryPage")


@blp.route("/categories", methods=["GET"])
@requires("kb:read")
@blp.response(200, CategoryPage)
def list_categories():
    answer = services.call("support", "list_kb_categories")
    return answer if isinstance(answer, dict) else {"items": answer, "next_cursor": None}


@blp.route("/categories", methods=["POST"])
@requires("kb:write")
@blp.arguments(CategoryIn)
@blp.response(201, CategoryOut)
def create_category(data):
    category = services.call("support", "create_kb_category", data)
    g.resource_id = category["id"]
    return with_etag(category, 201)


@blp.route("/articles", methods=["GET"])
@requires("kb:read")
@blp.arguments(ArticleSearch, location="query", unknown=RAISE)
@blp.response(200, ArticlePage)
def search_articles(args):
    """Full-text search, best match first; drafts too with `published_only=false`."""
    return services.call("support", "search_articles", args)


@blp.route("/articles", methods=["POST"])
@requires("kb:write")
@blp.arguments(ArticleIn)
@blp.response(201, ArticleOut)
def create_article(data):
    """A draft unless `status` is `published`."""
    article = services.call("support", "create_article", data)
    g.resource_id = article["id"]
    return with_etag(article, 201, f"/api/v1/kb/articles/{article['id']}")


@blp.route("/articles/<item_id>", methods=["GET"])
@requires("kb:read")
@blp.response(200, ArticleOut)
def get_article(item_id):
    return with_etag(services.call("support", "get_article", item_id))


@blp.route("/articles/<item_id>", methods=["PATCH"])
@requires("kb:write")
@blp.arguments(ArticlePatch)
@blp.response(200, ArticleOut)
def update_article(data, item_id):
    """Change some fields; publishing has its own routes."""
    return with_etag(services.call("support", "update_article", item_id, data,
                                   expected_version()))


@blp.route("/articles/<item_id>", methods=["DELETE"])
@requires("kb:write")
@blp.response(204)
def delete_article(item_id):
    services.call("support", "delete_article", item_id)


@blp.route("/articles/<item_id>/publish", methods=["POST"])
@requires("kb:write")
@blp.response(200, ArticleOut)
def publish_article(item_id):
    """Show it in the portal and in suggestions."""
    return with_etag(services.call("support", "publish_article", item_id,
                                   expected_version()))


@blp.route("/articles/<item_id>/unpublish", methods=["POST"])
@requires("kb:write")
@blp.response(200, ArticleOut)
def unpublish_article(item_id):
    """Back to a draft."""
    return with_etag(services.call("support", "unpublish_article", item_id,
                                   expected_version()))
