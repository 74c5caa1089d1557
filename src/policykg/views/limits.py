"""How much a view draws and a page lists, read at call time (tests lower them to try large corpora)."""

DRAW_AT_MOST = 3000
"""A view of more nodes than this is aggregated rather than drawn node by node."""
PRIORITY_VIEWS_UPTO = 50
"""Above this many documents the views per priority are written one document at a time (``views
--document``) rather than all at once."""
LARGE = 600
"""Above this many nodes a view gets the radial layout (linear time), not a spring layout (slow at scale)."""
TABLE_ROWS = 500
"""A view's tables list at most this many nodes and this many relations; the page says how many more
there are and where to get them all."""
UNVIEWED_LISTED = 300
"""The index lists at most this many of the resources that have no view of their own."""
