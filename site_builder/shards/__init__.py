"""Sharded builds: a shard builds some organisations' pages; `assemble` joins the shards into one site."""
