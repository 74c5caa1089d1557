"""Interactive views of the graph for strategists: pages that open from the file system, with no server.

Each view is assembled with pyvis (nodes, edges, options) and laid out ahead with networkx, so nothing
moves once drawn and the same graph gives the same picture. The page is our own template: vis-network and
every script and style ship beside it in ``lib/``, and text from the graph reaches the page only escaped
or as JSON data that the script sets with ``textContent`` (pyvis's own template writes titles as HTML and
loads Bootstrap from a CDN).

The parts: :mod:`.palette` (colours, shapes and words), :mod:`.data` (what is read from the store),
:mod:`.plan` and :mod:`.aggregate` (which views there are), :mod:`.layout` (where nodes stand),
:mod:`.payload` and :mod:`.page` (a view as a page) and :mod:`.index` (all views written together);
:mod:`.limits` holds how much a view draws.
"""

from .aggregate import actor_by_priority, dependency_view, institution_view, overlap_view
from .data import Involvement, View, ViewData, ViewEdge, ViewNode, limit_view_data, project_view_data
from .index import GROUPS, INDEX, explain_unviewed, plan_views, read_members, view_members, write_views
from .layout import layout_positions
from .limits import DRAW_AT_MOST, LARGE, PRIORITY_VIEWS_UPTO, TABLE_ROWS
from .page import ASSETS, PAGE, VIEW_ASSETS, copy_assets, render_page, render_view
from .palette import BASES, KINDS, PRIORITY_COLOURS, READING_DASHES, RELATIONS, colour_priorities
from .payload import assemble, curve_parallel_edges, priorities_of_nodes, safe_json
from .plan import define_views

__all__ = [
    "ASSETS",
    "BASES",
    "DRAW_AT_MOST",
    "GROUPS",
    "INDEX",
    "KINDS",
    "LARGE",
    "PAGE",
    "PRIORITY_COLOURS",
    "PRIORITY_VIEWS_UPTO",
    "READING_DASHES",
    "RELATIONS",
    "TABLE_ROWS",
    "VIEW_ASSETS",
    "Involvement",
    "View",
    "ViewData",
    "ViewEdge",
    "ViewNode",
    "actor_by_priority",
    "assemble",
    "colour_priorities",
    "copy_assets",
    "curve_parallel_edges",
    "define_views",
    "dependency_view",
    "explain_unviewed",
    "institution_view",
    "layout_positions",
    "limit_view_data",
    "overlap_view",
    "plan_views",
    "priorities_of_nodes",
    "project_view_data",
    "read_members",
    "render_page",
    "render_view",
    "safe_json",
    "view_members",
    "write_views",
]
