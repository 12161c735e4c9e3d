"""Comptoir: B2B ordering that executes each seller's terms of sale as code."""
