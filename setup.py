"""The classic layout's entry point; the metadata is in pyproject.toml (PEP 621)."""

from setuptools import setup

setup()
