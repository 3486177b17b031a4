"""Sanitising the HTML that editors paste into descriptions.

Both apps store descriptions, so this lives below them in the project package.
"""

import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre",
    "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# The page's own title is its only <h1>; a pasted one becomes the next level down.
TOP_LEVEL_HEADING = re.compile(r"<(/?)h1\b", re.IGNORECASE)


def sanitise_html(html: str) -> str:
    """Return `html` with only harmless markup left.

    Scripts, styles, event-handler attributes and javascript: URLs are dropped;
    links, lists, emphasis, headings and tables are kept. Plain text passes through
    (escaped where needed). Links get rel="noopener noreferrer nofollow".
    """
    if not html:
        return ""
    return nh3.clean(
        TOP_LEVEL_HEADING.sub(r"<\1h2", html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()
