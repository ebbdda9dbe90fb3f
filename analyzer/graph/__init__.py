"""The dependency graph: built once per workspace (``build``) with the queries rules and
reports share (``queries``)."""
