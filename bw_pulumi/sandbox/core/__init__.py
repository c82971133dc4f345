"""What every emulated resource shares and that knows none of them (it imports no other
folder of the sandbox).

``http`` (request/reply values, JSON bodies, Basic auth, the request record), ``errors``
(``ApiError``), ``xml`` (parsing with defusedxml, ``ResponseStatus`` and error documents),
``route_helpers`` (error replies, the XML body check, paging), ``faults`` (one-shot
faults), ``chaos`` (random faults), ``rate_limits`` (Bandwidth's documented limits),
``spec_shapes`` (answers in the OpenAPI spec's shapes), ``control_guard`` (who may use
``/_sandbox/``).
"""
