"""What every emulated resource shares: the HTTP server and the API's entry point,
authentication and tokens, the state's one lock, faults, chaos mode, rate limits,
latency, the control endpoint, response shapes, and the registry of resources.

``http`` (request/reply values), ``http_server`` (server and handler), ``api`` (``/api``:
latency, rate limits, faults, token endpoint, auth, account check), ``registry`` (every
resource in one list), ``state`` (the one lock, tokens, logs, counters, the resources'
stores), ``errors`` (``ApiError``), ``xml`` (generic XML), ``route_helpers`` (error
replies, the XML body check, paging), ``faults``, ``chaos``, ``rate_limits``,
``spec_shapes``, ``deleter`` (a concurrent deleter), ``control`` and ``control_guard``
(``/_sandbox/``).
"""
