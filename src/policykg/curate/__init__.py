"""The curator's work: scaffold a document, anchor its passages, find shared resources, compile the curator's file."""
