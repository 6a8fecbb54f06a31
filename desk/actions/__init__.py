"""The desk's own writes: saved boards and card moves (boards), saved list views."""
