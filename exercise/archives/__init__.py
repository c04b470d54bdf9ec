"""Exercise archives: a played exercise as one zip file, and that file imported back
(docs/archives.md)."""
