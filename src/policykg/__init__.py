"""policykg: government policy documents as a linked-data knowledge graph.

The package turns hand-edited Turtle (an OWL ontology, instance data whose every statement is traced to a
passage of its source text, SHACL shapes) into a validated graph and its build products.
"""

__version__ = "0.1.0"

from .api import IRI, BlankNode, KnowledgeGraph, QueryWarning, load

__all__ = ["IRI", "BlankNode", "KnowledgeGraph", "QueryWarning", "load", "__version__"]
