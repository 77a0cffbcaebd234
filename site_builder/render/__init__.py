"""Stage 7, render: pages → Markdown through Jinja2 templates (with charts, bullet lists and table data)."""
