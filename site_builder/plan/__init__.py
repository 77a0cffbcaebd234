"""Stage 6, plan: which pages exist (path, template, title, breadcrumbs, data) and how plans of different years link."""
