"""Stage 5, git: the data's git history (change lists, feed entries) and each page's last-updated date."""
