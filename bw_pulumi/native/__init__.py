"""The package provider ``bandwidth``: a Pulumi resource provider plugin with a schema, for
every Pulumi language (Python, TypeScript, Go, C#, YAML), on the same operations as the
dynamic provider.

* :mod:`.names` converts property names between the core's snake_case and the package's
  camelCase (only this front door does);
* :mod:`.schema` generates the package schema from :mod:`bw_pulumi.resources.properties`;
* :mod:`.provider` maps the provider protocol to the operations;
* :mod:`.server` is the plugin's entry point (``pulumi-resource-bandwidth``).

Nothing outside this package imports it.
"""
