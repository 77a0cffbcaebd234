"""Importer: draft plan YAML from plain-text exports of plan documents."""
