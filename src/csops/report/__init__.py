"""Rendering results: Rich tables, JSON, CSV and Excel, in Chinese or English."""
