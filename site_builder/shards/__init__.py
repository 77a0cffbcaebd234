"""Sharded builds: each shard builds the pages of some organisations; `assemble` joins shards into one site.

A shard is an independent build (its own CI job): it reads site.yaml, every org.yaml and plan.yaml (navigation,
cross-plan references) and the project files of *its* organisations only (projects are nearly all the bytes);
every other plan is known by its project file names, which is all the cross-file checks need. It renders and runs
MkDocs for its organisations' pages and ships its site with `shard.json` (organisations, plans, data hash, links
into other organisations, the newest changes of its organisations' git history, the SHA-256 of every file of its
site: `assemble` refuses a shard changed after it was built). Every data file is validated by exactly one shard (the owner of its folder; site.yaml,
org.yaml and plan.yaml by all), so a sharded build reports every error an unsharded build reports.

`assemble` reads neither the project files nor their history again (only that of organisation folders no shard
owns, i.e. deleted ones): it builds the portal from the plan JSON the shards published
(`downloads/<org>-<year>.json`: the redacted plan with every project, as validated), then the portal-wide pages
(home, all-projects table, search page, downloads page, change list), the portal-wide downloads and feed with
MkDocs, copies each shard's organisation folders and per-plan downloads in, merges the shards' search indexes into
one index (byte-identical to an unsharded build's) and swaps the result into the site folder.
"""
