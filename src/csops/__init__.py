"""csops: customer-service operations for Chinese e-commerce shops."""

__version__ = "0.1.0"
