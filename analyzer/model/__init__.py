"""Language-neutral facts, spans and diagnostics shared by every frontend, rule and reporter."""
