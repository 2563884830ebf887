"""The cross-service contract: every topic, the one event each carries, and the shapes inside them.

Producers and consumers both import these models, so a field renamed on one side fails the other's tests
instead of a message in production.
"""
