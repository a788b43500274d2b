"""The example credit-risk model of the self-healing MLOps platform."""
