"""Asset inventories: what exists in the Automation account.

Loaders (one module per format) turn ARM templates, Bicep, Terraform, live exports,
integration-module connection types and local asset stores into one normalised model
(:mod:`analyzer.inventory.model`); rules such as RB102 ask the model, never a format.
"""
